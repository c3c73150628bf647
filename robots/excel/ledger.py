"""Reading ledgers exported by business systems: title rows, merged headers, 和暦, 全角 digits.

Values are read with python-calamine (Rust; several times faster than openpyxl for large
workbooks); the header row is found by looking for the required column names, so title rows
and merged group headings above it do not matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.excel.csvread import clean_header


def read_values(path: Path, sheet: str | int = 0) -> list[list[Any]]:
    """All cell values of one sheet (fast path, values only)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for broken files
        raise BusinessError(f"Excelファイルを開けません（壊れているか、xlsx形式ではありません: {exc.__class__.__name__}）。",
                            where=path.name, hint="元のシステムから出力し直してください。") from None
    try:
        ws = wb.get_sheet_by_index(sheet) if isinstance(sheet, int) else wb.get_sheet_by_name(sheet)
    except Exception:
        raise BusinessError(f"シート「{sheet}」がありません。", where=path.name, hint=f"シート: {', '.join(wb.sheet_names)}") from None
    return ws.to_python(skip_empty_area=False)


def read_ledger(path: Path, required_columns: list[str], *, sheet: str | int = 0, rename: dict[str, str] | None = None,
                max_header_search: int = 30) -> tuple[Any, int]:
    """DataFrame below the detected header row, and that row's 1-based number (for error messages)."""
    import pandas as pd

    if not path.exists():
        raise BusinessError(f"ファイルが見つかりません: {path.name}", where=str(path))
    rows = read_values(path, sheet)
    mapping = {clean_header(k): clean_header(v) for k, v in (rename or {}).items()}
    want = [clean_header(c) for c in required_columns]
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:max_header_search]):
        names = [mapping.get(clean_header(c), clean_header(c)) for c in row]
        hits = sum(1 for c in want if c in names)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0 or best_hits < len(want):
        found = [mapping.get(clean_header(c), clean_header(c)) for c in rows[best]] if best >= 0 else []
        missing = [c for c in want if c not in found]
        raise BusinessError(f"見出し行に必要な列「{'」「'.join(missing)}」が見つかりません。", where=path.name,
                            hint="列名の対応（rename）を設定するか、出力形式を確認してください。")
    header = [mapping.get(clean_header(c), clean_header(c)) or f"列{j + 1}" for j, c in enumerate(rows[best])]
    body = [[_int_if_whole(v) for v in r] for r in rows[best + 1:] if any(v not in (None, "") for v in r)]
    df = pd.DataFrame(body, columns=header)
    df.index = [best + 2 + k for k in range(len(df))]  # Excel row numbers of the data (approximate if blank rows)
    return df, best + 1


def _int_if_whole(v: Any) -> Any:
    """Excel stores every number as a float: 2026.0 is the year 2026, not text "2026.0"."""
    return int(v) if isinstance(v, float) and v.is_integer() else v

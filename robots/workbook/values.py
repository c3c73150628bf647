"""Fast value reading of .xlsx/.xls/.ods with python-calamine (Rust), merged cells resolved.

openpyxl builds a Python object per cell and is ~10x slower on large ledgers (see
``bench/bench_reconcile.py``); it is still used where formats matter (templates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots.errors import BusinessError


def _sheet(path: Path, sheet: str | int) -> Any:
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise BusinessError(f"ファイルが見つかりません: {path.name}", where=str(path.parent.name or path),
                            hint="入力フォルダにファイルを置いたか、ファイル名を確認してください。")
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for broken files
        raise BusinessError(f"Excelファイルを開けません（壊れているか、Excel形式ではありません: {exc.__class__.__name__}）。",
                            where=path.name, hint="元のシステムから出力し直してください。") from None
    try:
        return wb.get_sheet_by_index(sheet) if isinstance(sheet, int) else wb.get_sheet_by_name(sheet)
    except Exception:
        raise BusinessError(f"シート「{sheet}」がありません。", where=path.name,
                            hint=f"シート: {', '.join(wb.sheet_names)}") from None


def read_values(path: Path, sheet: str | int = 0, *, fill_merged: bool = False) -> list[list[Any]]:
    """All values of one sheet; ``rows[i][j]`` is Excel row ``i + 1``, column ``j + 1``.

    Empty cells are ``""``; dates (also with 和暦 number formats) are ``date``/``datetime``.
    ``fill_merged`` copies a merged range's value into every cell of it, so a header merged
    over two rows or a group heading over several columns is seen in each of them.
    """
    ws = _sheet(path, sheet)
    rows = ws.to_python(skip_empty_area=False)
    if fill_merged:
        for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []:
            if r1 >= len(rows) or c1 >= len(rows[r1]):
                continue
            value = rows[r1][c1]
            for r in range(r1, min(r2, len(rows) - 1) + 1):
                row = rows[r]
                if len(row) <= c2:
                    row.extend([""] * (c2 + 1 - len(row)))
                for c in range(c1, c2 + 1):
                    row[c] = value
    return rows

"""Fast value reading of .xlsx/.xls/.ods with python-calamine (Rust), merged cells resolved.

openpyxl builds a Python object per cell and is ~10x slower on large ledgers (see
``bench/bench_reconcile.py``); it is still used where formats matter (templates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from kyodo.core.errors import BusinessError
from kyodo.robots.excel._xlsxcheck import check_workbook_file

Merged = tuple[tuple[int, int], tuple[int, int]]


def _sheet(path: Path, sheet: str | int) -> Any:
    if not path.is_file():
        raise BusinessError(f"ファイルが見つかりません: {path.name}", where=str(path.parent.name or path),
                            hint="入力フォルダにファイルを置いたか、ファイル名を確認してください。")
    check_workbook_file(path)  # a deflate bomb is refused before calamine inflates it
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
    return read_sheet(path, sheet, fill_merged=fill_merged)[0]


def read_sheet(path: Path, sheet: str | int = 0, *, fill_merged: bool = True) -> tuple[list[list[Any]], list[Merged]]:
    """Values (as :func:`read_values`) and the merged ranges, 0-based ``((r1, c1), (r2, c2))`` inclusive.

    The ranges let a reader tell a header cell merged over two rows from two cells that happen
    to hold the same text (see :func:`kyodo.robots.workbook.header.find_header_block`).
    """
    ws = _sheet(path, sheet)
    rows = ws.to_python(skip_empty_area=False)
    merged: list[Merged] = [((r1, c1), (r2, c2)) for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []]
    if fill_merged:
        for (r1, c1), (r2, c2) in merged:
            if r1 >= len(rows) or c1 >= len(rows[r1]):
                continue
            value = rows[r1][c1]
            for r in range(r1, min(r2, len(rows) - 1) + 1):
                row = rows[r]
                if len(row) <= c2:
                    row.extend([""] * (c2 + 1 - len(row)))
                for c in range(c1, c2 + 1):
                    row[c] = value
    return rows, merged


def sheet_note(path: Path, sheet: str | int) -> str:
    """``読んだシート: 「表紙」（このファイルのシート: 表紙、台帳）`` — for messages when a sheet held no header."""
    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # the file was readable a moment ago; a note must never hide the real error
        return ""
    read = names[sheet] if isinstance(sheet, int) and 0 <= sheet < len(names) else sheet
    others = [s for s in names if s != read]
    return (f"読んだシート: 「{read}」（このファイルのシート: {'、'.join(names)}）。"
            + (f"別のシートなら sheet: {others[0]} のように指定してください。" if others else ""))

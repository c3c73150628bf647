"""Writing staff-ready .xlsx reports with openpyxl: Japanese font, widths, formats, filters.

pandas' ``to_excel`` is not used because it cannot set number formats, fonts and widths in
one pass; this writes cells directly and saves atomically.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kyodo.robots.excel._atomic import atomic_path
from kyodo.robots.excel._cells import check_size, write_cell

FONT_NAME = "游ゴシック"
TICK_ROWS = 500  # rows between two progress reports of a long sheet
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    """One sheet to write: a title, a DataFrame and optional notes shown above the table."""

    name: str
    table: Any
    notes: list[str] | None = None


def sheet_name(name: str, used: set[str]) -> str:
    """Excel-safe, unique sheet name (31 chars max, no []:*?/\\)."""
    base = _BAD_SHEET.sub("_", str(name)).strip("'")[:31] or "Sheet"
    cand, n = base, 2
    while cand in used:
        suffix = f"_{n}"
        cand, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(cand)
    return cand


def display_width(value: Any) -> int:
    """Column width in Excel units: full-width characters count double."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.split("\n")[0])


def write_workbook(path: Path, sheets: list[Sheet], tick: Callable[..., None] | None = None) -> Path:
    """Write ``sheets`` to ``path`` atomically and return it; ``tick(n, item=sheet)`` every ``TICK_ROWS`` rows."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    body_font, head_font = Font(name=FONT_NAME, size=10), Font(name=FONT_NAME, size=10, bold=True)
    for sh in sheets:  # Excel's limits first: a located refusal, never a truncated or broken workbook
        check_size(len(sh.notes or []) + (1 if sh.notes else 0) + 1 + len(sh.table), len(sh.table.columns), f"シート「{sh.name}」")
    for sh in sheets:
        ws = wb.create_sheet(sheet_name(sh.name, used))
        where = f"シート「{ws.title}」"
        row = 1
        for note in sh.notes or []:
            write_cell(ws.cell(row=row, column=1), note, where)
            ws.cell(row=row, column=1).font = Font(name=FONT_NAME, size=11, bold=row == 1)
            row += 1
        if sh.notes:
            row += 1
        df = sh.table
        cols = [str(c) for c in df.columns]
        widths = [display_width(c) for c in cols]
        for j, c in enumerate(cols, 1):
            cell = ws.cell(row=row, column=j)
            write_cell(cell, c, where)
            cell.font, cell.fill, cell.border = head_font, header_fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_row = row
        for values in df.itertuples(index=False, name=None):
            row += 1
            if tick is not None and (row - header_row) % TICK_ROWS == 0:
                tick(TICK_ROWS, item=ws.title)
            for j, v in enumerate(values, 1):
                cell = ws.cell(row=row, column=j)
                v = write_cell(cell, v, where)
                cell.font, cell.border = body_font, border
                if isinstance(v, datetime):
                    cell.number_format = "yyyy/mm/dd hh:mm"
                elif isinstance(v, date):
                    cell.number_format = "yyyy/mm/dd"
                elif isinstance(v, bool):
                    pass
                elif isinstance(v, int):
                    cell.number_format = "#,##0"
                elif isinstance(v, float):
                    cell.number_format = "#,##0.0#"
                elif isinstance(v, str) and "\n" in v:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[j - 1] = max(widths[j - 1], min(display_width(v), 60))
        for j, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = max(8, w + 2)
        if cols:
            ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
            if row > header_row:
                ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{row}"
    if not wb.sheetnames:
        wb.create_sheet("空")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


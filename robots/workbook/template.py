"""Filling a municipality's own Excel template without breaking it.

openpyxl edits the template in place, so fonts, merged cells, number formats (``#,##0"円"``,
``[$-ja-JP-x-gannen]ggge"年"m"月"d"日"``), data validation and conditional formatting stay as
the municipality made them. Each written row takes the style of the template's first data
row, the template cell's number format is put back after a value is written (openpyxl
replaces formats it does not recognise as dates when a date is assigned), and validation /
conditional-format ranges that start at that row are stretched to cover every written row.
pandas ``to_excel`` is not used: it overwrites number formats.
"""

from __future__ import annotations

import math
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from robots.errors import BusinessError

YEN = '#,##0"円";[Red]-#,##0"円"'
ERA_DATE = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@'


def open_template(path: Path) -> Any:
    """The template workbook (formats and all), or a Japanese error."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise BusinessError(f"テンプレートが見つかりません: {path.name}", where=str(path.parent.name),
                            hint="様式ファイルの場所（template）を確認してください。")
    try:
        return load_workbook(path)
    except Exception as exc:  # openpyxl raises many types for non-xlsx input
        raise BusinessError(f"テンプレートを開けません（{exc.__class__.__name__}）。", where=path.name,
                            hint="Excel（.xlsx）形式で保存し直してください（.xls や .xlsm は不可）。") from None


def cell_value(v: Any) -> Any:
    """A pandas/numpy value as something openpyxl writes faithfully (NA → empty cell)."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        v = v.to_pydatetime()
    if isinstance(v, datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    if isinstance(v, (date, int, float, str, bool)):
        return v
    return str(v)


def _style(cell: Any) -> tuple[Any, ...]:
    return (copy(cell.font), copy(cell.border), copy(cell.fill), cell.number_format, copy(cell.alignment),
            copy(cell.protection))


def _apply(cell: Any, style: tuple[Any, ...]) -> None:
    cell.font, cell.border, cell.fill, cell.number_format, cell.alignment, cell.protection = style


def _stretch_ranges(ws: Any, start_row: int, last_row: int) -> None:
    """Extend data validation and conditional formatting that start at ``start_row`` down to ``last_row``."""
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    for dv in ws.data_validations.dataValidation:
        ranges = []
        for r in dv.sqref.ranges:
            if r.min_row == start_row and r.max_row < last_row:
                r = CellRange(min_col=r.min_col, min_row=r.min_row, max_col=r.max_col, max_row=last_row)
            ranges.append(r)
        dv.sqref = MultiCellRange(ranges)
    cf = ws.conditional_formatting
    for rng in list(cf):
        grown = [r for r in rng.sqref.ranges if r.min_row == start_row and r.max_row < last_row]
        if grown:
            new = " ".join((CellRange(min_col=r.min_col, min_row=r.min_row, max_col=r.max_col, max_row=last_row)
                            if r in grown else r).coord for r in rng.sqref.ranges)
            for rule in rng.rules:
                cf.add(new, rule)
            del cf._cf_rules[rng]


def fill_table(ws: Any, anchor: str | tuple[int, int], columns: list[str], table: Any) -> int:
    """Write ``table[columns]`` down from ``anchor`` (e.g. ``"A5"``), styled like the anchor row.

    Returns the number of rows written. Cells below that the template pre-formatted keep
    their formats; extra rows copy the anchor row's style.
    """
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    if isinstance(anchor, str):
        col_letter, start_row = coordinate_from_string(anchor)
        first_col = column_index_from_string(col_letter)
    else:
        start_row, first_col = anchor
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise BusinessError(f"テンプレートに書く列「{'」「'.join(missing)}」が表にありません。", where=ws.title,
                            hint=f"表の列: {', '.join(map(str, table.columns))}")
    styles = [_style(ws.cell(row=start_row, column=first_col + j)) for j in range(len(columns))]
    height = ws.row_dimensions[start_row].height
    n = 0
    for n, values in enumerate(table[columns].itertuples(index=False, name=None), 1):
        r = start_row + n - 1
        for j, v in enumerate(values):
            cell = ws.cell(row=r, column=first_col + j)
            keep = styles[j] if n > 1 and not cell.has_style else _style(cell)
            cell.value = cell_value(v)
            _apply(cell, keep)
        if n > 1 and height is not None and ws.row_dimensions[r].height is None:
            ws.row_dimensions[r].height = height
    if n > 1:
        _stretch_ranges(ws, start_row, start_row + n - 1)
    return n


def set_cells(ws: Any, values: dict[str, Any]) -> None:
    """Write single values (``{"B3": "防府市"}``) keeping each cell's format."""
    for coord, v in values.items():
        cell = ws[coord]
        if type(cell).__name__ == "MergedCell":
            raise BusinessError(f"セル {coord} は結合セルの途中です（左上のセルを指定してください）。", where=ws.title)
        keep = _style(cell)
        cell.value = cell_value(v)
        _apply(cell, keep)


def save_atomic(wb: Any, dest: Path) -> Path:
    """Save via a temp file in the same folder + ``os.replace``: no half-written workbook, ever."""
    from robots.excel import atomic_path

    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest

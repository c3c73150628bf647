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

from collections.abc import Callable
from copy import copy, deepcopy
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

from kyodo.core.errors import BusinessError
from kyodo.robots.excel import atomic_path
from kyodo.robots.excel._cells import MAX_COLUMNS, MAX_ROWS, cell_value, check_size, guard_formula, write_cell  # noqa: F401 (cell_value: re-exported by kyodo.robots.workbook)
from kyodo.robots.excel._xlsxcheck import check_workbook_file

YEN = '#,##0"円";[Red]-#,##0"円"'
ERA_DATE = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@'
PLAIN_DATE = "yyyy/m/d"  # for dates written into a template cell left at General
TICK_ROWS = 500  # rows between two progress reports of a long table
_MAX_ROW, _MAX_COL = MAX_ROWS, MAX_COLUMNS  # Excel's last row and column (XFD)


def open_template(path: Path) -> Any:
    """The template workbook (formats and all), or a Japanese error."""
    if not path.is_file():
        raise BusinessError(f"テンプレートが見つかりません: {path.name}", where=str(path.parent.name),
                            hint="様式ファイルの場所（template）を確認してください。")
    check_workbook_file(path)  # a deflate bomb is refused before openpyxl inflates it
    try:
        return load_workbook(path)
    except Exception as exc:  # openpyxl raises many types for non-xlsx input
        raise BusinessError(f"テンプレートを開けません（{exc.__class__.__name__}）。", where=path.name,
                            hint="Excel（.xlsx）形式で保存し直してください（.xls や .xlsm は不可）。") from None


def _write(cell: Any, value: Any) -> None:
    """Assign ``value`` keeping the cell's number format.

    openpyxl replaces a format it does not recognise as a date (the 和暦 ``ERA_DATE`` is one)
    when a date is assigned; the format is put back so the template's display stays.
    """
    style = cell._style  # None until the cell is given a style
    fmt = style.numFmtId if style is not None else 0
    write_cell(cell, value, cell.parent.title)  # formula-like text stays text; too long is refused, not cut
    if fmt == 0 and isinstance(cell.value, date):
        cell.number_format = PLAIN_DATE  # a General cell would show a date as its serial number (45383)
    elif cell._style is not None:
        cell._style.numFmtId = fmt


def _coordinate(ws: Any, coord: Any) -> tuple[int, int]:
    """(row, column) of a cell name such as ``"A5"``, or a Japanese error naming the sheet and the fix."""
    text = str(coord).strip()
    try:
        col_letter, row = coordinate_from_string(text)
        col = column_index_from_string(col_letter)
    except (CellCoordinatesException, ValueError):
        col = row = 0
    if not (1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COL):
        hint = ("シートは cells の見出しで指定してください（例: {集計: {B3: 値}}）。" if "!" in text
                else "列の英字・行の数字の順に、1つのセルを指定してください（例: A5, B3）。")
        raise BusinessError(f"セル「{coord}」の指定が正しくありません（例: A5）。", where=ws.title, hint=hint)
    return row, col


def _stretch_ranges(ws: Any, start_row: int, last_row: int) -> None:
    """Extend data validation and conditional formatting that start at ``start_row`` down to ``last_row``."""
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


def fill_table(ws: Any, anchor: str | tuple[int, int], columns: list[str], table: Any,
               tick: Callable[[int], None] | None = None) -> int:
    """Write ``table[columns]`` down from ``anchor`` (e.g. ``"A5"``), styled like the anchor row.

    Returns the number of rows written. Cells below that the template pre-formatted keep
    their formats; extra rows copy the anchor row's style. ``tick(rows)`` is told of every
    ``TICK_ROWS`` rows written (progress for people watching a long table).
    """
    start_row, first_col = anchor if isinstance(anchor, tuple) else _coordinate(ws, anchor)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise BusinessError(f"テンプレートに書く列「{'」「'.join(missing)}」が表にありません。", where=ws.title,
                            hint=f"表の列: {', '.join(map(str, table.columns))}")
    check_size(len(table), len(columns), ws.title, first_row=start_row, first_column=first_col)
    # The anchor row's stored styles (indices into the workbook's style tables): copying one is cheap.
    styles = [copy(ws.cell(row=start_row, column=first_col + j)._style) for j in range(len(columns))]
    # Styled template columns right of the table (e.g. 対応状況, メモ) get their style on every row too.
    tail = [(c, copy(ws.cell(row=start_row, column=c)._style)) for c in range(first_col + len(columns), ws.max_column + 1)
            if ws.cell(row=start_row, column=c).has_style]
    height = ws.row_dimensions[start_row].height
    n, cell = 0, None
    try:
        for n, values in enumerate(table[columns].itertuples(index=False, name=None), 1):
            r = start_row + n - 1
            for j, v in enumerate(values):
                cell = ws.cell(row=r, column=first_col + j)
                if n > 1 and not cell.has_style:
                    write_cell(cell, v, ws.title)
                    cell._style = copy(styles[j])  # after the value: openpyxl may have set a date format
                    if (styles[j] is None or styles[j].numFmtId == 0) and isinstance(cell.value, date):
                        cell.number_format = PLAIN_DATE
                    guard_formula(cell)  # the copied style dropped the quote prefix
                else:
                    _write(cell, v)
            if n > 1:
                for c, st in tail:
                    extra = ws.cell(row=r, column=c)
                    if not extra.has_style:
                        extra._style = copy(st)
            if n > 1 and height is not None and ws.row_dimensions[r].height is None:
                ws.row_dimensions[r].height = height
            if tick is not None and n % TICK_ROWS == 0:
                tick(TICK_ROWS)
    except AttributeError:  # a MergedCell's value is read-only
        if cell is None or type(cell).__name__ != "MergedCell":
            raise
        raise BusinessError(f"表を書く範囲のセル {cell.coordinate} が結合セルの途中です。", where=ws.title,
                            hint="様式の表の部分のセル結合を解除するか、表の左上のセル（start）を変えてください。") from None
    if n > 1:
        _stretch_ranges(ws, start_row, start_row + n - 1)
    if tick is not None and n % TICK_ROWS:
        tick(n % TICK_ROWS)
    return n


def copy_sheet(wb: Any, source: Any, title: str) -> Any:
    """A copy of ``source`` named ``title`` that keeps what ``Workbook.copy_worksheet`` drops.

    openpyxl copies values, styles, merges, dimensions and page setup, but not the freeze panes,
    print titles/area, auto filter, data validation or conditional formatting; a clerk's 明細
    sheet without its frozen header or its print settings is a broken template.
    """
    ws = wb.copy_worksheet(source)
    ws.title = title
    ws.freeze_panes = source.freeze_panes
    ws.print_title_rows = source.print_title_rows
    ws.print_title_cols = source.print_title_cols
    if source.print_area:
        ws.print_area = [str(a).split("!")[-1].replace("$", "") for a in source.print_area]
    ws.auto_filter.ref = source.auto_filter.ref
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = source.page_setup.fitToWidth, source.page_setup.fitToHeight
    ws.sheet_properties.pageSetUpPr = deepcopy(source.sheet_properties.pageSetUpPr)
    for dv in source.data_validations.dataValidation:
        ws.add_data_validation(deepcopy(dv))
    for rng in source.conditional_formatting:
        for rule in rng.rules:
            ws.conditional_formatting.add(str(rng.sqref), deepcopy(rule))
    return ws


def find_label(ws: Any, label: str, column: int = 1, limit: int = 200) -> int | None:
    """The row whose cell in ``column`` reads ``label`` (a section header of a template), or None."""
    for r in range(1, min(ws.max_row, limit) + 1):
        v = ws.cell(row=r, column=column).value
        if isinstance(v, str) and v.strip() == label:
            return r
    return None


def set_cells(ws: Any, values: dict[str, Any]) -> None:
    """Write single values (``{"B3": "防府市"}``) keeping each cell's format."""
    for coord, v in values.items():
        row, col = _coordinate(ws, coord)
        cell = ws.cell(row=row, column=col)
        if type(cell).__name__ == "MergedCell":
            raise BusinessError(f"セル {coord} は結合セルの途中です（左上のセルを指定してください）。", where=ws.title)
        _write(cell, v)


def save_atomic(wb: Any, dest: Path) -> Path:
    """Save via a temp file in the same folder + ``os.replace``: no half-written workbook, ever."""
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest

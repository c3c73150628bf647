"""One rule for turning pandas/numpy values into what openpyxl writes (reports and filled templates alike)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from kyodo.core.errors import BusinessError

# Types openpyxl writes natively (datetime is a date; bool and numpy's str_ are covered by int / str).
_NATIVE = (str, bool, int, float, Decimal, date, time, timedelta)


def cell_value(v: Any) -> Any:
    """A pandas/numpy value as something openpyxl writes faithfully.

    Missing values (``None``, NaN, ``pd.NA``, ``pd.NaT``) become an empty cell, numpy scalars
    plain Python values, pandas Timestamps naive ``datetime`` (Excel has no time zones), and
    anything openpyxl cannot write is written as its text instead of failing the save.
    """
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):  # numpy's float64 is a float too
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        v = v.to_pydatetime()
    elif hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        try:
            v = v.item()
        except (ValueError, AttributeError, TypeError):
            return str(v)
        if isinstance(v, float) and math.isnan(v):
            return None
    if isinstance(v, datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    if isinstance(v, _NATIVE):
        return v
    return str(v)


# ── the writer policy: formula-like text stays text, Excel's limits are checked, never truncated ──

MAX_ROWS, MAX_COLUMNS, MAX_CELL_CHARS = 1_048_576, 16_384, 32_767  # Excel's own limits (last cell XFD1048576)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets (or a later edit/CSV save) run as a formula
_NUMBER_TEXT = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters the xlsx XML cannot hold (openpyxl refuses them)


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM``, tab/CR first).

    Signed numbers written as text (``-500``, ``+1.5``) are not: they are data, not instructions.
    """
    return bool(text) and text.startswith(FORMULA_PREFIXES) and not _NUMBER_TEXT.fullmatch(text)


def guard_formula(cell: Any) -> None:
    """Keep an already-assigned formula-like text as text: a string cell with Excel's quote prefix.

    openpyxl stores any string starting with ``=`` as a live formula; the quote prefix (the ``'``
    Excel shows) also keeps ``+``/``-``/``@`` text from becoming one when staff edit the cell.
    """
    v = cell.value
    if isinstance(v, str) and is_formula_like(v):
        cell.data_type = "s"
        cell.quotePrefix = True


def text_problem(value: Any) -> str | None:
    """Why ``value`` cannot go into a cell as it is (too long, a character xlsx cannot hold), else None."""
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CELL_CHARS:
        return f"文字数が {len(value):,} 文字で、Excelの1セルの上限 {MAX_CELL_CHARS:,} 文字を超えています（切り詰めずに止めました）"
    if m := _ILLEGAL.search(value):
        return f"{m.start() + 1} 文字目にExcelに書けない制御文字（U+{ord(m.group()):04X}）があります"
    return None


def write_cell(cell: Any, value: Any, where: str = "") -> Any:
    """Write ``value`` the one safe way: :func:`cell_value`, checked (:func:`text_problem`), formula-guarded.

    ``where`` (the sheet, or file and sheet) names the place in the Japanese error together with the cell.
    """
    v = cell_value(value)
    if isinstance(v, str) and (problem := text_problem(v)):
        raise BusinessError(f"セル {cell.coordinate} に書けません: {problem}。",
                            where=" ".join(x for x in (where, cell.coordinate) if x),
                            hint="元データのその値を確認してください（長い文章は分けるか、ファイルとして添付してください）。")
    cell.value = v
    guard_formula(cell)
    return v


def check_size(rows: int, columns: int, where: str, *, first_row: int = 1, first_column: int = 1) -> None:
    """Refuse a table that would go past Excel's last row or column, before anything is written."""
    last_row, last_col = first_row + rows - 1, first_column + columns - 1
    if last_col > MAX_COLUMNS:
        raise BusinessError(f"列数が多すぎます: {columns:,} 列（{first_column} 列目から書くと {last_col:,} 列目まで）は"
                            f"Excelの上限 {MAX_COLUMNS:,} 列（XFD）を超えます。", where=where,
                            hint="不要な列を削るか、表を分けてください。CSVの区切り文字が正しいかも確認してください。")
    if last_row > MAX_ROWS:
        raise BusinessError(f"行数が多すぎます: {rows:,} 行（{first_row} 行目から書くと {last_row:,} 行目まで）は"
                            f"Excelの上限 {MAX_ROWS:,} 行を超えます。", where=where,
                            hint="期間や自治体ごとに分けて出力してください。")


def append_row(ws: Any, values: list[Any], where: str = "") -> None:
    """``ws.append(values)`` under the same policy as :func:`write_cell` (for writers that build rows)."""
    values = [cell_value(v) for v in values]
    for j, v in enumerate(values, 1):
        if problem := text_problem(v):
            coord = f"{get_column_letter(j)}{ws.max_row + 1}"
            raise BusinessError(f"セル {coord} に書けません: {problem}。", where=" ".join(x for x in (where, ws.title, coord) if x))
    ws.append(values)
    for cell in ws[ws.max_row]:
        guard_formula(cell)

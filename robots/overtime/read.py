"""Reading per-department overtime workbooks of differing layouts into one long table.

Two shapes cover what departments keep: ``long`` (a row per person and month) and ``wide``
(a row per person, a column per month: 「4月」…「3月」 or 「令和7年4月」). Months may be 和暦
(令和7年4月, R7.4) or 西暦; hours may be decimal (12.5), 12:30, 12時間30分 or an Excel time.
Every value that cannot be read is reported with file, cell and what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import WarekiError, normalize_header, normalize_text, parse_date
from kyodo.robots.workbook import read_values

_HM = re.compile(r"^(\d+)[:：](\d{1,2})$")
_JP = re.compile(r"^(?:(\d+(?:\.\d+)?)時間)?(?:(\d+)分)?$")
_MONTH_ONLY = re.compile(r"^(\d{1,2})月$")
_ERA_MONTH = re.compile(r"^(令和|平成|R|H)(元|\d{1,2})[年.](\d{1,2})月?$")
STOP = ("合計", "計", "総計", "小計")


class Layout(str, Enum):
    LONG = "long"
    WIDE = "wide"


@dataclass
class SourceSpec:
    """How one group of department files is laid out (from the scenario's ``sources``)."""

    files: str
    layout: Layout = Layout.LONG
    rename: dict[str, str] = field(default_factory=dict)
    department: str | None = None  # fixed 所属, else the 所属 column, else the file name before "_"
    sheet: str | int = 0


def parse_hours(value: Any) -> float:
    """Hours as a float from 12.5 / "12:30" / "12時間30分" / Excel time or duration."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        raise ValueError("時間ではありません")  # noqa: TRY004  (callers report ValueError with the cell)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    if isinstance(value, time):
        return value.hour + value.minute / 60
    text = normalize_text(value).replace(" ", "")
    if m := _HM.match(text):
        if int(m.group(2)) >= 60:
            raise ValueError(f"「{value}」の分が60以上です")
        return int(m.group(1)) + int(m.group(2)) / 60
    if text and (m := _JP.match(text)) and any(m.groups()):
        return float(m.group(1) or 0) + int(m.group(2) or 0) / 60
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"「{value}」を時間として読めません（例: 12.5 / 12:30 / 12時間30分）") from None


def parse_month(value: Any, fiscal_year: int | None) -> date:
    """The first day of the month named by a cell or header (和暦 or 西暦, or 「5月」 with a fiscal year)."""
    if isinstance(value, (datetime, date)):
        return date(value.year, value.month, 1)
    text = normalize_text(value).replace(" ", "")
    if m := _MONTH_ONLY.match(text):
        if fiscal_year is None:
            raise ValueError(f"「{value}」だけでは年が分かりません（fiscal_year を指定してください）")
        month = int(m.group(1))
        return date(fiscal_year + (month < 4), month, 1)
    if m := _ERA_MONTH.match(text):
        text = f"{m.group(1)}{m.group(2)}年{m.group(3)}月1日"
    elif re.match(r"^\d{4}[/\-年.]\d{1,2}月?$", text):
        text = re.sub(r"月$", "", text).replace("年", "/").replace(".", "/") + "/1"
    try:
        d = parse_date(text)
    except (WarekiError, ValueError) as exc:
        raise ValueError(f"「{value}」を年月として読めません: {exc}") from None
    return date(d.year, d.month, 1)


def _header(rows: list[list[Any]], want: list[str], rename: dict[str, str], where: str) -> tuple[int, list[str]]:
    alias = {normalize_header(k): normalize_header(v) for k, v in rename.items()}
    for i, row in enumerate(rows[:20]):
        names = [alias.get(normalize_header(c), normalize_header(c)) for c in row]
        if all(w in names for w in want):
            return i, names
    raise BusinessError(f"見出し行（{'・'.join(want)} を含む行）が見つかりません。", where=where,
                        hint="rename で見出しの列名と標準の列名の対応を指定してください（例: {職員コード: 職員番号}）。")


def _cell(where: str, row: int, col: int) -> str:
    return f"{where} {get_column_letter(col + 1)}{row + 1}"


def _department(spec: SourceSpec, path: Path, names: list[str], row: list[Any]) -> str:
    if spec.department:
        return spec.department
    if "所属" in names and normalize_text(row[names.index("所属")]):
        return normalize_text(row[names.index("所属")])
    return path.stem.split("_")[0]


def read_file(path: Path, spec: SourceSpec, fiscal_year: int | None) -> list[dict[str, Any]]:
    """Records (職員番号, 氏名, 所属, 年月, 時間外時間, ファイル) from one department workbook."""
    rows = read_values(path, spec.sheet, fill_merged=True)
    want = ["職員番号", "氏名"] + (["年月", "時間外時間"] if spec.layout is Layout.LONG else [])
    h, names = _header(rows, want, spec.rename, path.name)
    month_cols: list[tuple[int, date]] = []
    if spec.layout is Layout.WIDE:
        for j, _name in enumerate(names):
            try:
                month_cols.append((j, parse_month(rows[h][j], fiscal_year)))
            except ValueError:
                continue
        if not month_cols:
            raise BusinessError("月の列（4月、令和7年4月 など）が見つかりません。", where=f"{path.name} {h + 1} 行目")
    out = []
    for i in range(h + 1, len(rows)):
        row = rows[i] + [""] * (len(names) - len(rows[i]))
        staff = normalize_text(row[names.index("職員番号")])
        first = next((normalize_text(v) for v in row if v not in (None, "")), "")
        if not staff or first in STOP:
            continue
        base = {"職員番号": staff, "氏名": normalize_text(row[names.index("氏名")]),
                "所属": _department(spec, path, names, row), "ファイル": path.name}
        cells = month_cols if spec.layout is Layout.WIDE else [(names.index("時間外時間"), None)]
        for j, month in cells:
            try:
                m = month or parse_month(row[names.index("年月")], fiscal_year)
                hours = parse_hours(row[j])
            except ValueError as exc:
                raise BusinessError(f"値を読めません: {exc}", where=_cell(path.name, i, j if month else names.index("年月")),
                                    hint="元のブックの値を直してから再実行してください。") from None
            if hours < 0 or hours > 300:
                raise BusinessError(f"時間外時間 {hours:g} 時間はありえない値です。", where=_cell(path.name, i, j))
            out.append(base | {"年月": m, "時間外時間": round(hours, 2)})
    if not out:
        raise BusinessError("時間外勤務のデータが1件もありません。", where=path.name, hint="シートと見出しを確認してください。")
    return out

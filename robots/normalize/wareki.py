"""和暦 (Japanese era) dates and 年度, with era boundaries checked.

Accepted: ``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``R06.04.01``, ``H31.4.30``, ``令6/4/1``,
``㍻31.4.30``, ``2024/4/1``, ``2024-04-01``, ``2024年4月1日``, ``20240401``, Excel serial numbers (the
1900 date system; a cell with an era number format such as ``[$-ja-JP-x-gannen]ggge"年"m"月"d"日"``
still stores a serial, so it arrives here as a number), ``date``/``datetime`` objects.

Era boundaries: a date outside its era (``平成31年5月1日``, ``昭和64年1月8日``, ``令和元年4月30日``)
is an error, never silently shifted into the next era. 昭和→平成 and 平成→令和 changed on the day
after the last day (1989-01-07 / 01-08, 2019-04-30 / 05-01); 明治→大正 and 大正→昭和 changed on the
same day (1912-07-30, 1926-12-25), so those two days are valid in both eras. 明治 dates before
1873 were lunar-calendar dates and are not converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kyodo.core.jst import WEEKDAYS_JA
from kyodo.core.text import normalize_text


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date
    end: date | None  # last day, inclusive


ERAS = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 25)),
    Era("明治", "M", date(1868, 1, 25), date(1912, 7, 30)),
)
_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS} | {e.name[0]: e for e in ERAS}
_ERA_RE = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTMrhstm令平昭大明])\s*(元|\d{1,2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_ISO_RE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WEEKDAY_RE = re.compile(r"\(([月火水木金土日])(?:曜日?)?\)$")  # after NFKC: （月） is (月)
EXCEL_EPOCH = date(1899, 12, 30)
GREGORIAN_START = date(1873, 1, 1)  # 明治6年: Japan adopted the Gregorian calendar


class WarekiError(ValueError):
    """A value that is not a valid date; the message is Japanese and says why."""


def era_date(era_key: str, year: int, month: int, day: int) -> date:
    """The Gregorian date of ``era year/month/day``, refusing dates outside the era."""
    era = _BY_KEY.get(era_key.upper() if len(era_key) == 1 and era_key.isascii() else era_key)
    if era is None:
        raise WarekiError(f"元号「{era_key}」を認識できません")
    if year < 1:
        raise WarekiError(f"{era.name}{year}年 はありません")
    try:
        d = date(era.start.year + year - 1, month, day)
    except ValueError:
        raise WarekiError(f"{era.name}{year}年{month}月{day}日 は存在しない日付です") from None
    if d < GREGORIAN_START:
        raise WarekiError(f"{era.name}{year}年{month}月{day}日 は旧暦の日付のため変換できません（明治6年1月1日から）")
    if d < era.start or (era.end is not None and d > era.end):
        span = f"{era.start:%Y/%m/%d}〜{era.end:%Y/%m/%d}" if era.end else f"{era.start:%Y/%m/%d}〜"
        raise WarekiError(f"{era.name}{'元' if year == 1 else year}年{month}月{day}日 は{era.name}の期間（{span}）の外です")
    return d


def parse_date(value: object) -> date:
    """Parse any common Japanese date notation into a ``date`` (raises :class:`WarekiError`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_excel_serial(value)
    s = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", normalize_text(value)).replace(" ", "")
    if not s:
        raise WarekiError("日付が空です")
    if m := _WEEKDAY_RE.search(s):  # 令和6年4月15日（月）: the weekday must agree with the date
        d = parse_date(s[: m.start()])
        if d.weekday() != WEEKDAYS_JA.index(m.group(1)):
            raise WarekiError(f"「{value}」の曜日が日付と合いません（{d:%Y/%m/%d} は{WEEKDAYS_JA[d.weekday()]}曜日です）")
        return d
    if m := _ERA_RE.match(s):
        era, y, mo, day = m.groups()
        return era_date(era, 1 if y == "元" else int(y), int(mo), int(day))
    if (m := _ISO_RE.match(s)) or (m := _COMPACT_RE.match(s)):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise WarekiError(f"「{value}」は存在しない日付です") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return parse_date(float(s))
    raise WarekiError(f"「{value}」を日付として読めません（例: 令和6年4月1日, R6.4.1, 2024/4/1）")


def from_excel_serial(value: float) -> date:
    """Excel 1900-system serial → ``date`` (time of day dropped).

    Excel counts 1900-02-29, a day that never existed (Lotus compatibility): serial 60 is
    refused and serials 1–59 are one day later than the plain epoch arithmetic gives.
    """
    if value != value or not 1 <= value < 2958466:
        raise WarekiError(f"Excelの日付シリアル値 {value} は範囲外です")
    n = int(value)
    if n == 60:
        raise WarekiError("Excelの日付シリアル値 60（1900年2月29日）は存在しない日付です")
    return EXCEL_EPOCH + timedelta(days=n + (1 if n < 60 else 0))


def to_wareki(d: date, *, short: bool = False) -> str:
    """``date`` → ``令和6年4月1日`` (or ``R6.4.1`` with ``short``); 元年 for year 1."""
    for era in ERAS:
        if d >= era.start:
            y = d.year - era.start.year + 1
            if short:
                return f"{era.letter}{y}.{d.month}.{d.day}"
            return f"{era.name}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    raise WarekiError(f"{d} は明治より前です")


def fiscal_year(value: object) -> int:
    """年度: April to March, named by the year in which it starts (2025-03-31 → 2024).

    Accepts anything :func:`parse_date` accepts (``R7.3.31`` → 2024).
    """
    d = parse_date(value)
    return d.year if d.month >= 4 else d.year - 1


def _digits(text: str, what: str) -> str:
    """``text`` if it is exactly ``len(what)`` ASCII digits, else a Japanese :class:`WarekiError`."""
    s = str(text)
    if not s.strip():
        raise WarekiError(f"日付が空です（{what} の{len(what)}桁の数字が必要です）")
    if len(s) != len(what) or not (s.isascii() and s.isdigit()):
        raise WarekiError(f"「{text}」は {what} の日付ではありません（{len(what)}桁の数字が必要です）")
    return s


def _impossible(text: str, mm: int, dd: int) -> WarekiError:
    return WarekiError(f"「{text}」は存在しない日付です（{mm}月{dd}日）")


def resolve_yymmdd(text: str, reference: date, *, year_style: str = "wareki") -> date:
    """全銀 ``YYMMDD`` in 和暦: YY is a year of the era in force at ``reference``.

    If that yields a date more than a year after ``reference`` the previous era is used
    (a file made in 令和 may still carry 平成 dates from before 2019-05-01). With
    ``year_style="seireki"`` YY is a Western year (20YY) instead. Blank or impossible dates
    raise :class:`WarekiError` with a Japanese message.
    """
    s = _digits(text, "YYMMDD")
    yy, mm, dd = int(s[0:2]), int(s[2:4]), int(s[4:6])
    try:
        d = date(2000 + yy if year_style == "seireki" else 2000, mm, dd)  # 2000 is a leap year: 0229 passes
    except ValueError:
        raise _impossible(text, mm, dd) from None
    if year_style == "seireki":
        return d
    i = next((k for k, e in enumerate(ERAS) if reference >= e.start), len(ERAS) - 1)
    last = i + 1 == len(ERAS)
    try:
        d = era_date(ERAS[i].name, yy, mm, dd)
        if last or d <= reference + timedelta(days=366):
            return d
    except WarekiError:
        if last:
            raise
    return era_date(ERAS[i + 1].name, yy, mm, dd)


def resolve_mmdd(text: str, reference: date) -> date:
    """全銀 ``MMDD`` without a year: the date with that month/day nearest to ``reference``."""
    s = _digits(text, "MMDD")
    mm, dd = int(s[0:2]), int(s[2:4])
    best: date | None = None
    for y in (reference.year - 1, reference.year, reference.year + 1):
        try:
            cand = date(y, mm, dd)
        except ValueError:  # 2/29 in a non-leap year
            continue
        if best is None or abs((cand - reference).days) < abs((best - reference).days):
            best = cand
    if best is None:
        raise _impossible(text, mm, dd)
    return best

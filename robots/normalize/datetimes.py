"""Date-times as Japanese portals write them, and dates written the way a portal's form wants them.

Portals export reception times in many notations: ``2024/04/01 9:30:15``, ``2024-04-01T09:30``,
``R6.4.1 09:30``, ``令和6年4月1日 9時30分``, ``令和6年4月15日（月）`` (a weekday in brackets),
full-width digits. :func:`parse_datetime` reads them all (the date part through
:func:`~kyodo.robots.normalize.wareki.parse_date`, so era boundaries are checked the same way).

Forms want dates in one notation: :func:`format_date` writes ``yyyy/mm/dd``, ISO, 和暦 and so on,
from the names a portal profile uses (``date_format``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from kyodo.core.text import normalize_text
from kyodo.robots.normalize.wareki import WarekiError, parse_date, to_wareki

_WEEKDAY = re.compile(r"\(\s*(?:[月火水木金土日](?:曜日?)?|祝|休)\s*\)")
_CLOCK = re.compile(r"(?:^|(?<=[\sT日]))(午前|午後|AM|PM|am|pm)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*$")
_KANJI_CLOCK = re.compile(r"(午前|午後)?\s*(\d{1,2})時(?:(\d{1,2})分)?(?:(\d{1,2})秒)?\s*$")
_ISO_T = re.compile(r"^(\d{4}-\d{2}-\d{2})T")

# Names a profile may give as ``date_format`` (anything else is a pattern of yyyy/yy/mm/m/dd/d).
DATE_FORMATS = {
    "iso": "yyyy-mm-dd",
    "yyyy/mm/dd": "yyyy/mm/dd",
    "yyyy-mm-dd": "yyyy-mm-dd",
    "yyyymmdd": "yyyymmdd",
    "wareki": "和暦（令和6年4月1日）",
    "wareki_short": "和暦略記（R6.4.1）",
    "wareki_padded": "和暦略記・ゼロ埋め（R06.04.01）",
}
_TOKEN = re.compile(r"yyyy|yy|mm|dd|m|d")


def _clock(hh: int, mm: int, ss: int, ampm: str | None, text: object) -> time:
    if ampm in ("午後", "PM", "pm") and hh < 12:
        hh += 12
    elif ampm in ("午前", "AM", "am") and hh == 12:
        hh = 0
    try:
        return time(hh, mm, ss)
    except ValueError:
        raise WarekiError(f"「{text}」の時刻 {hh}:{mm:02d} は存在しません") from None


def parse_datetime(value: object) -> datetime:
    """Any common Japanese date or date-time notation → ``datetime`` (midnight when no time is given).

    Raises :class:`~kyodo.robots.normalize.wareki.WarekiError` (a ``ValueError`` with a Japanese message).
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.combine(parse_date(value), time())
    s = _WEEKDAY.sub(" ", normalize_text(value)).strip()
    s = _ISO_T.sub(r"\1 ", s)
    clock = time()
    if m := _CLOCK.search(s):
        clock = _clock(int(m.group(2)), int(m.group(3)), int(m.group(4) or 0), m.group(1), value)
        s = s[: m.start()].strip()
    elif (m := _KANJI_CLOCK.search(s)) and m.start() > 0:
        clock = _clock(int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0), m.group(1), value)
        s = s[: m.start()].strip()
    if not s:
        raise WarekiError(f"「{value}」に日付がありません")
    try:
        d = parse_date(s)
    except WarekiError as exc:
        if str(exc).startswith("「"):
            raise WarekiError(f"「{value}」を日時として読めません（例: 2024/4/1 9:30, R6.4.1 09:30, 令和6年4月1日）") from None
        raise
    return datetime.combine(d, clock)


def format_date(value: object, fmt: str = "iso") -> str:
    """``value`` (a date or any notation :func:`parse_date` reads) written as ``fmt``; blank stays ``""``.

    ``fmt``: ``iso`` (2024-04-01), ``wareki`` (令和6年4月1日), ``wareki_short`` (R6.4.1),
    ``wareki_padded`` (R06.04.01), or a pattern of ``yyyy``/``yy``/``mm``/``m``/``dd``/``d``
    (``yyyy/mm/dd``, ``yyyymmdd``, ``yyyy年m月d日``).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    d = parse_date(value)
    key = (fmt or "iso").strip()
    if key == "iso":
        return d.isoformat()
    if key == "wareki":
        return to_wareki(d)
    if key in ("wareki_short", "wareki_padded"):
        short = to_wareki(d, short=True)
        if key == "wareki_short":
            return short
        era, rest = short[0], short[1:].split(".")
        return era + ".".join(f"{int(x):02d}" for x in rest)
    if not _TOKEN.search(key) or re.search(r"[A-Za-z]", _TOKEN.sub("", key)):
        raise WarekiError(f"日付の形式「{fmt}」は使えません（使える形式: {', '.join(DATE_FORMATS)}、または yyyy/mm/dd のような形）")
    parts = {"yyyy": f"{d.year:04d}", "yy": f"{d.year % 100:02d}", "mm": f"{d.month:02d}", "m": str(d.month),
             "dd": f"{d.day:02d}", "d": str(d.day)}
    return _TOKEN.sub(lambda m: parts[m.group(0)], key)

"""Japan's clock: the time zone and weekday names every report, schedule and log line uses."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"  # Monday first, as ``date.weekday()`` counts



def jst(d: datetime | None, fmt: str = "%Y-%m-%d %H:%M", empty: str = "-") -> str:
    """A stored (UTC) time as Japanese local time for staff; ``empty`` when there is none."""
    return d.astimezone(JST).strftime(fmt) if d else empty


__all__ = ["JST", "WEEKDAYS_JA", "jst"]

"""Japan's clock: the time zone and weekday names every report, schedule and log line uses."""

from __future__ import annotations

from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"  # Monday first, as ``date.weekday()`` counts

__all__ = ["JST", "WEEKDAYS_JA"]

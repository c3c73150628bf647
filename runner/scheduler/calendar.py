"""The business-day calendar of a Japanese municipal office.

Closed: Saturdays, Sundays, national holidays (jpholiday: 振替休日 and 国民の休日 included),
年末年始 (12/29–1/3), and each municipality's own closure days.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import jpholiday


@lru_cache(maxsize=4096)
def _holiday(d: date) -> bool:
    return jpholiday.is_holiday(d)


def is_year_end(d: date) -> bool:
    """年末年始: 12/29 to 1/3."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_business_day(d: date, closures: Iterable[date] = ()) -> bool:
    """True when the office is open on ``d``."""
    return d.weekday() < 5 and not _holiday(d) and not is_year_end(d) and d not in closures


def next_business_day(d: date, closures: Iterable[date] = (), *, include_today: bool = True) -> date:
    closures = frozenset(closures)
    cur = d if include_today else d + timedelta(days=1)
    while not is_business_day(cur, closures):
        cur += timedelta(days=1)
    return cur


def business_days(year: int, month: int, closures: Iterable[date] = ()) -> list[date]:
    """The month's business days (cached: schedules ask the same months again and again)."""
    return list(_business_days(year, month, frozenset(closures)))


@lru_cache(maxsize=4096)
def _business_days(year: int, month: int, closures: frozenset[date]) -> tuple[date, ...]:
    days = (date(year, month, day) for day in range(1, monthrange(year, month)[1] + 1))
    return tuple(d for d in days if d.weekday() < 5 and not _holiday(d) and not is_year_end(d) and d not in closures)


def nth_business_day(year: int, month: int, n: int, closures: Iterable[date] = ()) -> date | None:
    """The n-th business day of the month (1-based), or None if the month has fewer."""
    days = business_days(year, month, closures)
    return days[n - 1] if 0 < n <= len(days) else None


def last_business_day(year: int, month: int, closures: Iterable[date] = ()) -> date:
    return business_days(year, month, closures)[-1]

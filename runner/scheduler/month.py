"""A month of the office calendar for people: business days, holidays, 年末年始, closures, and planned runs."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import jpholiday

from kyodo.runner.scheduler.calendar import is_year_end
from kyodo.runner.scheduler.triggers import TZ


class DayKind(str, Enum):
    BUSINESS = "business"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    YEAR_END = "year_end"
    CLOSURE = "closure"


KIND_JA = {DayKind.BUSINESS: "開庁日", DayKind.WEEKEND: "土日", DayKind.HOLIDAY: "祝日", DayKind.YEAR_END: "年末年始",
           DayKind.CLOSURE: "休業日"}


@dataclass
class Planned:
    at: datetime
    code: str
    name: str
    scenario: str
    paused: bool = False


@dataclass
class Day:
    day: date
    kind: DayKind
    label: str = ""  # the holiday's name, 年末年始, 休業日
    runs: list[Planned] = field(default_factory=list)
    in_month: bool = True

    @property
    def kind_ja(self) -> str:
        return self.label or KIND_JA[self.kind]


def day_kind(d: date, closures: Iterable[date] = ()) -> tuple[DayKind, str]:
    name = jpholiday.is_holiday_name(d)
    if is_year_end(d):
        return DayKind.YEAR_END, "年末年始"
    if name:
        return DayKind.HOLIDAY, name
    if d in set(closures):
        return DayKind.CLOSURE, "休業日"
    if d.weekday() >= 5:
        return DayKind.WEEKEND, ""
    return DayKind.BUSINESS, ""


def fires_in(trigger: Any, first: date, last: date, limit: int = 62) -> list[datetime]:
    """Every fire time of ``trigger`` within [first, last] (Japanese days)."""
    out: list[datetime] = []
    now = datetime.combine(first, datetime.min.time(), TZ) - timedelta(seconds=1)
    prev = None
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ)
    while len(out) < limit:
        nxt = trigger.get_next_fire_time(prev, now if prev is None else prev)
        if nxt is None or nxt >= end:
            break
        out.append(nxt)
        prev = nxt
    return out


def month_weeks(year: int, month: int, closures: Iterable[date], jobs: Iterable[Any],
                paused: dict[tuple[str, str], Any] | None = None) -> list[list[Day]]:
    """Weeks (Monday first) of ``Day``; ``jobs`` are ``kyodo.runner.scheduler.service.Planned`` entries."""
    closures = frozenset(closures)
    first = date(year, month, 1)
    last = date(year, month, _cal.monthrange(year, month)[1])
    runs: dict[date, list[Planned]] = {}
    for j in jobs:
        for at in fires_in(j.trigger, first, last):
            runs.setdefault(at.date(), []).append(Planned(at, j.code, j.name, j.scenario, (j.code, j.scenario) in (paused or {})))
    start = first - timedelta(days=first.weekday())
    weeks: list[list[Day]] = []
    d = start
    while d <= last or d.weekday() != 0:
        if d.weekday() == 0:
            weeks.append([])
        kind, label = day_kind(d, closures)
        weeks[-1].append(Day(d, kind, label, sorted(runs.get(d, []), key=lambda p: (p.at, p.code)), d.month == month))
        d += timedelta(days=1)
    return weeks

"""The legal overtime limits (労働基準法 36条 / 人事院規則15-14 and the municipalities' own rules).

- 月45時間 (原則), 年360時間 (原則): exceeding them needs a reason (特例業務);
- 月100時間未満, 2〜6か月平均80時間以内, 年720時間以内: upper limits even with 特例;
- 月45時間超は年6か月まで.
The numbers are parameters so a municipality's own rule (e.g. 他律的業務 at 720) is configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from kyodo.robots.normalize import to_wareki


class Check(str, Enum):
    MONTH_45 = "月45時間超"
    MONTH_100 = "月100時間以上"
    AVERAGE_80 = "2〜6か月平均80時間超"
    OVER_45_TIMES = "月45時間超が年6回超"
    YEAR_360 = "年360時間超"
    YEAR_720 = "年720時間超"


@dataclass(frozen=True)
class Limits:
    month: float = 45
    month_max: float = 100
    average: float = 80
    average_window: tuple[int, int] = (2, 6)
    over_month_times: int = 6
    year: float = 360
    year_max: float = 720
    year_start_month: int = 4


def wareki_month(d: date) -> str:
    """令和7年4月 (the month as staff write it)."""
    return to_wareki(d).split("月")[0] + "月"


def fiscal(d: date, start: int) -> int:
    return d.year if d.month >= start else d.year - 1


def check_person(months: dict[date, float], lim: Limits) -> list[dict[str, Any]]:
    """Flags for one person's months (first-of-month → hours) within one fiscal year."""
    flags: list[dict[str, Any]] = []

    def flag(check: Check, when: str, value: float, limit: float) -> None:
        flags.append({"区分": check.value, "対象月": when, "時間": round(value, 1), "上限": limit})

    ordered = sorted(months)
    for d in ordered:
        h = months[d]
        if h >= lim.month_max:
            flag(Check.MONTH_100, wareki_month(d), h, lim.month_max)
        elif h > lim.month:
            flag(Check.MONTH_45, wareki_month(d), h, lim.month)
    lo, hi = lim.average_window
    for end in range(len(ordered)):
        worst = None
        for n in range(lo, hi + 1):
            if end - n + 1 < 0:
                break
            window = ordered[end - n + 1:end + 1]
            if (window[-1].year * 12 + window[-1].month) - (window[0].year * 12 + window[0].month) != n - 1:
                continue  # not consecutive months
            avg = sum(months[m] for m in window) / n
            if avg > lim.average and (worst is None or avg > worst[1]):
                worst = (n, avg, window[0])
        if worst:
            n, avg, first = worst
            flag(Check.AVERAGE_80, f"{wareki_month(first)}〜{wareki_month(ordered[end])}（{n}か月平均）", avg, lim.average)
    over = sum(1 for d in ordered if months[d] > lim.month)
    if over > lim.over_month_times:
        flag(Check.OVER_45_TIMES, f"{over} か月", over, lim.over_month_times)
    total = sum(months.values())
    year = f"{to_wareki(date(fiscal(ordered[0], lim.year_start_month), 4, 1)).split('年')[0]}年度" if ordered else ""
    if total > lim.year_max:
        flag(Check.YEAR_720, year, total, lim.year_max)
    elif total > lim.year:
        flag(Check.YEAR_360, year, total, lim.year)
    return flags

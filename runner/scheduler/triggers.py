"""APScheduler 3 triggers for business-day schedules, and the friendly forms staff write.

Forms (full-width digits and colons are accepted):
- ``毎営業日 9:00`` — every business day
- ``毎月第3営業日 8:30`` — the 3rd business day of each month
- ``月末営業日 17:00`` — the last business day of each month
- ``毎週月曜 10:00`` (月火水木金土日) — weekly; moved to the next business day if closed
- ``毎月1日 9:00`` — a day of the month; moved to the next business day if closed
- a standard 5-field cron expression (``0 9 * * 1-5``), run as written, in Asia/Tokyo
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from kyodo.core.errors import BusinessError
from kyodo.core.jst import JST, WEEKDAYS_JA
from kyodo.runner.scheduler.calendar import is_business_day, last_business_day, next_business_day, nth_business_day

TZ = JST  # the schedules' time zone
DayRule = Callable[[date, frozenset], bool]


class BusinessDayTrigger(BaseTrigger):
    """Fires at ``at`` on the days ``rule(day, closures)`` accepts (Asia/Tokyo)."""

    def __init__(self, rule: DayRule, at: time, closures: frozenset[date] = frozenset(), label: str = "") -> None:
        self.rule, self.at, self.closures, self.label, self.timezone = rule, at, closures, label, TZ

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        start = (previous_fire_time + timedelta(seconds=1)) if previous_fire_time else now
        start = start.astimezone(TZ)
        day = start.date()
        if start.time() > self.at:
            day += timedelta(days=1)
        for _ in range(800):  # about two years: every rule fires well within that
            if self.rule(day, self.closures):
                return datetime.combine(day, self.at, tzinfo=TZ)
            day += timedelta(days=1)
        return None

    def __str__(self) -> str:
        return self.label

    def __getstate__(self) -> dict:  # never pickled to a job store: kyodo uses the memory store
        raise TypeError("BusinessDayTrigger is not serialisable")


def _every_business_day(d: date, c: frozenset) -> bool:
    return is_business_day(d, c)


def _nth(n: int) -> DayRule:
    return lambda d, c: nth_business_day(d.year, d.month, n, c) == d


def _last(d: date, c: frozenset) -> bool:
    return last_business_day(d.year, d.month, c) == d


def _weekly(wd: int) -> DayRule:
    # the first business day on or after the weekday, within that week
    def rule(d: date, c: frozenset) -> bool:
        base = d - timedelta(days=(d.weekday() - wd) % 7)
        return next_business_day(base, c) == d and (d - base).days < 7
    return rule


def _monthly(day: int) -> DayRule:
    def rule(d: date, c: frozenset) -> bool:
        try:
            base = date(d.year, d.month, day)
        except ValueError:
            return False
        nb = next_business_day(base, c)
        return nb == d and nb.month == base.month
    return rule


_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_weekdays(field: str) -> str:
    """Standard cron day-of-week (0 or 7 = Sunday) → APScheduler 3 names.

    APScheduler 3 numbers weekdays from Monday = 0, so a crontab ``1-5`` read as is would
    run Tuesday to Saturday; expanding to names keeps the meaning staff wrote.
    """
    if field == "*" or re.search(r"[a-zA-Z]", field):
        return field
    days: set[int] = set()
    for part in field.split(","):
        rng, _, step = part.partition("/")
        if rng == "*":
            lo, hi = 0, 6
        elif "-" in rng:
            lo, hi = (int(x) for x in rng.split("-", 1))
        else:
            lo = hi = int(rng)
            if step:
                hi = 6
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi):
            raise ValueError(f"day of week {part!r} out of range 0-7")
        days.update(d % 7 for d in range(lo, hi + 1, int(step) if step else 1))
    return ",".join(_DOW_NAMES[d] for d in sorted(days))


def parse_schedule(text: str, closures: frozenset[date] = frozenset(), *, where: str = "") -> BaseTrigger:
    """A trigger for a friendly form or a cron expression; a clear Japanese error otherwise."""
    s = unicodedata.normalize("NFKC", text).strip()
    m = re.fullmatch(r"(.+?)\s*(\d{1,2}):(\d{2})", s)
    if m:
        what, hh, mm = m.group(1).strip(), int(m.group(2)), int(m.group(3))
        if hh > 23 or mm > 59:
            raise BusinessError(f"時刻「{hh}:{mm:02d}」が正しくありません。", where=where)
        at = time(hh, mm)
        if what == "毎営業日":
            return BusinessDayTrigger(_every_business_day, at, closures, s)
        if mm2 := re.fullmatch(r"毎月第(\d{1,2})営業日", what):
            n = int(mm2.group(1))
            if not 1 <= n <= 20:
                raise BusinessError(f"「第{n}営業日」は 1〜20 で指定してください。", where=where)
            return BusinessDayTrigger(_nth(n), at, closures, s)
        if what in ("月末営業日", "毎月月末営業日", "毎月最終営業日"):
            return BusinessDayTrigger(_last, at, closures, s)
        if mm2 := re.fullmatch(r"毎週([月火水木金土日])曜?日?", what):
            return BusinessDayTrigger(_weekly(WEEKDAYS_JA.index(mm2.group(1))), at, closures, s)
        if mm2 := re.fullmatch(r"毎月(\d{1,2})日", what):
            day = int(mm2.group(1))
            if not 1 <= day <= 31:
                raise BusinessError(f"「毎月{day}日」の日付が正しくありません。", where=where)
            return BusinessDayTrigger(_monthly(day), at, closures, s)
    fields = s.split()
    if len(fields) == 5:
        try:
            minute, hour, dom, month, dow = fields
            return CronTrigger(minute=minute, hour=hour, day=dom, month=month, day_of_week=cron_weekdays(dow), timezone=TZ)
        except ValueError as exc:
            raise BusinessError(f"cron式「{text}」に誤りがあります（{exc}）。", where=where,
                                hint="「分 時 日 月 曜日」の5項目です。例: 0 9 * * 1-5（平日9:00）") from None
    raise BusinessError(f"スケジュール「{text}」を読み取れません。", where=where,
                        hint="例: 毎営業日 9:00 / 毎月第3営業日 8:30 / 月末営業日 17:00 / 毎週月曜 10:00 / 毎月1日 9:00 / 0 9 * * 1-5")

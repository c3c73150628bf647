"""The scheduler process: one APScheduler 3 job per (municipality, schedule entry).

Choices, on purpose:
- ``max_instances=1``: a robot for one municipality and scenario never runs twice at once
  (two logins to the same portal account would log each other out).
- ``coalesce=True``: after downtime, missed firings of the same job run once, not N times.
- ``misfire_grace_time=3600``: a job that could not start on time (machine busy or restarted)
  still runs within the hour; later than that it is skipped and the next business day's run
  picks up the work, because staff expect the morning's workbook, not a pile at noon.
- Time zone ``Asia/Tokyo`` everywhere, explicitly.
- One scheduler per installation: an OS file lock (``<home>/scheduler.lock``); a second
  process refuses to start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from filelock import FileLock, Timeout

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.core.privacy import mask_text
from kyodo.core.settings import get_settings
from kyodo.core.status import Trigger
from kyodo.runner.registry import Registry
from kyodo.runner.scenario.loader import available_scenarios
from kyodo.runner.scheduler.control import paused
from kyodo.runner.scheduler.triggers import TZ, parse_schedule

log = logging.getLogger("kyodo.scheduler")
Submit = Callable[[str, str, dict, Trigger, datetime], None]
JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}


@dataclass
class Planned:
    job_id: str
    code: str
    name: str
    scenario: str
    when: str
    trigger: Any
    params: dict


@dataclass
class Problem:
    code: str
    scenario: str
    message: str


@dataclass
class Row:
    code: str
    name: str
    scenario: str
    when: str
    next_run: datetime | None
    paused: dict | None = None  # {by, at} when the municipality paused it (kyodo.runner.scheduler.control)


def plan_jobs(registry: Registry, known_scenarios: Iterable[str]) -> tuple[list[Planned], list[Problem]]:
    """Every valid schedule entry as a job; invalid ones as problems (the rest still run)."""
    known = set(known_scenarios)
    jobs, problems = [], []
    for m in registry.all():
        closures = frozenset(m.closure_days)
        for i, entry in enumerate(m.schedules):
            if not entry.enabled:
                continue
            where = f"{m.name}({m.code}) のスケジュール {i + 1}"
            if entry.scenario not in known:
                problems.append(Problem(m.code, entry.scenario, f"{where}: シナリオ「{entry.scenario}」はありません。"))
                continue
            try:
                trig = parse_schedule(entry.when, closures, where=where)
            except KyodoError as exc:
                problems.append(Problem(m.code, entry.scenario, str(exc)))
                continue
            jobs.append(Planned(f"{m.code}:{entry.scenario}:{i}", m.code, m.name, entry.scenario, entry.when, trig, entry.params))
    return jobs, problems


def next_fire_times(registry: Registry, now: datetime | None = None, known_scenarios: Iterable[str] | None = None) -> tuple[list[Row], list[Problem]]:
    """Next fire time per job, computed from the triggers without starting a scheduler."""
    if known_scenarios is None:
        known_scenarios = available_scenarios()
    now = (now or datetime.now(TZ)).astimezone(TZ)
    jobs, problems = plan_jobs(registry, known_scenarios)
    held = {m.code: paused(registry.source, m.code) for m in registry.all()} if registry.source else {}
    rows = [Row(j.code, j.name, j.scenario, j.when, j.trigger.get_next_fire_time(None, now),
                held.get(j.code, {}).get(j.scenario)) for j in jobs]
    rows.sort(key=lambda r: (r.next_run is None, r.next_run or now, r.code))
    return rows, problems


def _fire(submit: Submit, scenario: str, code: str, params: dict) -> None:
    """A job's body: submit the run (unless paused since); errors are logged and never stop the scheduler."""
    try:
        if scenario in paused(get_settings().registry_path, code):  # read at fire time: a pause takes effect at once
            log.info("一時停止中のためスキップ: %s %s", code, scenario)
            return
        submit(scenario, code, dict(params), Trigger.SCHEDULE, datetime.now(TZ))
    except Exception as exc:  # one municipality's failure must not stop the others

        log.error("スケジュール実行の投入に失敗: %s %s: %s", code, scenario, mask_text(str(exc)))


def build_scheduler(registry: Registry, submit: Submit, known_scenarios: Iterable[str], *, background: bool = False) -> tuple[Any, list[Problem]]:
    """A configured (not started) APScheduler 3 scheduler and the entries it skipped."""
    cls = BackgroundScheduler if background else BlockingScheduler
    sched = cls(timezone=TZ, job_defaults=JOB_DEFAULTS)
    jobs, problems = plan_jobs(registry, known_scenarios)
    for j in jobs:
        sched.add_job(_fire, j.trigger, args=(submit, j.scenario, j.code, j.params), id=j.job_id,
                      name=f"{j.name} {j.scenario}", replace_existing=True)
    for p in problems:
        log.warning("スケジュールをスキップ: %s", p.message)
    return sched, problems


class SchedulerLock:
    """Exactly one scheduler per kyodo home (an OS-level lock, released if the process dies)."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = home / "scheduler.lock"
        self._lock = FileLock(str(self.path))

    def __enter__(self) -> SchedulerLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise BusinessError("スケジューラーは既に別のプロセスで動いています。", where=str(self.path),
                                hint="二重起動はできません。動いている方を止めてから起動してください。") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

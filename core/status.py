"""Run and step statuses: the one definition (with Japanese labels) every layer imports.

``RunStatus`` is a ``StrEnum``, so members equal the strings already stored in the run
database and JSON (no migration); step logs use the same values.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run (or one step of it) stands."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    SKIPPED = "skipped"
    NOT_SUBMITTED = "not_submitted"


S = RunStatus
TERMINAL: tuple[RunStatus, ...] = (S.SUCCEEDED, S.PARTIAL, S.FAILED, S.INTERRUPTED, S.SKIPPED)
STATUSES: tuple[RunStatus, ...] = (S.QUEUED, S.RUNNING, *TERMINAL, S.NOT_SUBMITTED)
ACTIVE: tuple[RunStatus, ...] = (S.QUEUED, S.RUNNING)
# A run that produced its result (fully or for some items): not run again, counted in the effect report.
DONE: tuple[RunStatus, ...] = (S.SUCCEEDED, S.PARTIAL)
# Outcomes that can be run again (and that notifications report).
RERUNNABLE: tuple[RunStatus, ...] = (S.FAILED, S.PARTIAL, S.INTERRUPTED, S.NOT_SUBMITTED)
STATUS_JA: dict[str, str] = {S.SUCCEEDED: "成功", S.PARTIAL: "一部エラー", S.FAILED: "失敗", S.RUNNING: "実行中",
                             S.QUEUED: "待機中", S.INTERRUPTED: "中断", S.SKIPPED: "スキップ", S.NOT_SUBMITTED: "未投入"}
del S


class Trigger(StrEnum):
    """What started a run."""

    SCHEDULE = "schedule"
    MANUAL = "manual"
    RERUN = "rerun"


TRIGGER_JA: dict[str, str] = {Trigger.SCHEDULE: "予定", Trigger.MANUAL: "手動", Trigger.RERUN: "再実行"}

__all__ = ["ACTIVE", "DONE", "RERUNNABLE", "STATUSES", "STATUS_JA", "TERMINAL", "TRIGGER_JA", "RunStatus", "Trigger"]

"""Executor interface: where a run plan is executed (in this process, or on a Celery worker)."""

from __future__ import annotations

from typing import Protocol

from kyodo.runner.engine import ProgressFn, RunResult
from kyodo.runner.plan import RunPlan


class Executor(Protocol):
    """Submits plans; ``wait`` says whether the caller blocks for the results."""

    name: str

    def submit(self, plans: list[RunPlan], *, progress: ProgressFn | None = None) -> list[RunResult]:
        """Execute or enqueue ``plans``; local executors return results, queued ones return placeholders."""
        ...

"""In-process executor: the embedded default, nothing to install."""

from __future__ import annotations

from runner.engine import ProgressFn, RunResult, execute
from runner.plan import RunPlan
from runner.registry import Registry
from runner.scenario.loader import load_scenario
from runner.settings import Settings
from runner.store import RunStore


class LocalExecutor:
    """Runs plans one after another in this process."""

    name = "local"

    def __init__(self, registry: Registry, store: RunStore, settings: Settings) -> None:
        self.registry, self.store, self.settings = registry, store, settings

    def submit(self, plans: list[RunPlan], *, progress: ProgressFn | None = None) -> list[RunResult]:
        results = []
        for plan in plans:
            scenario = load_scenario(plan.scenario)
            results.append(execute(plan, scenario, self.registry, self.store, self.settings, progress=progress))
        return results

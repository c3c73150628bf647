"""In-process executor: the embedded default, nothing to install."""

from __future__ import annotations

from kyodo.core.settings import Settings
from kyodo.core.status import RunStatus
from kyodo.runner.engine import ProgressFn, RunResult, execute
from kyodo.runner.notify.send import notify_run_quietly
from kyodo.runner.plan import RunPlan, plan_scenario
from kyodo.runner.progress import StoreProgress
from kyodo.runner.registry import Registry
from kyodo.runner.store import RunStore


class LocalExecutor:
    """Runs plans one after another in this process."""

    name = "local"

    def __init__(self, registry: Registry, store: RunStore, settings: Settings) -> None:
        self.registry, self.store, self.settings = registry, store, settings

    def submit(self, plans: list[RunPlan], *, progress: ProgressFn | None = None) -> list[RunResult]:
        results = []
        progress = StoreProgress(self.store, progress)  # the dashboard shows a running run's n of m
        for n, plan in enumerate(plans, 1):
            scenario = plan_scenario(plan)  # a file's carried text (hash checked), else the file or the name
            if len(plans) > 1:  # one plan per municipality: the outer bar counts municipalities
                progress("plan_start", {"n": n, "total": len(plans), "item": self._label(plan.owner), "depth": -1,
                                        "title": scenario.title})
            result = execute(plan, scenario, self.registry, self.store, self.settings, progress=progress)
            if len(plans) > 1:
                progress("plan_done", {"n": n, "ok": result.status in (RunStatus.SUCCEEDED, RunStatus.SKIPPED), "item": self._label(plan.owner),
                                       "depth": -1})
            if not plan.dry_run and result.status != RunStatus.SKIPPED:
                notify_run_quietly(result.run_id, self.store, self.registry)  # failed/partial runs only; never raises
            results.append(result)
        return results

    def _label(self, code: str) -> str:
        try:
            m = self.registry.get(code)
        except Exception:  # noqa: BLE001 - a label only
            return code
        return f"{m.name}({m.code})"

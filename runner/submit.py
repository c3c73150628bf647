"""One entry point for starting runs, used by the CLI, the scheduler and the demo alike."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from kyodo.core.settings import Settings, get_settings
from kyodo.core.status import Trigger
from kyodo.runner.engine import ProgressFn, RunResult
from kyodo.runner.executors import get_executor
from kyodo.runner.plan import attach_scenario_file, plan_runs
from kyodo.runner.registry import Registry, load_registry
from kyodo.runner.scenario.loader import (
    is_scenario_file,
    load_scenario,
    load_scenario_text,
    read_scenario_text,
)
from kyodo.runner.store import RunStore, open_store


def run_scenario(
    scenario: str,
    codes: list[str] | None = None,
    params: dict[str, Any] | None = None,
    *,
    trigger: Trigger = Trigger.MANUAL,
    logical_date: date | None = None,
    dry_run: bool = False,
    registry: Registry | None = None,
    store: RunStore | None = None,
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
    executor: str | None = None,
    requested_by: str | None = None,
) -> list[RunResult]:
    """Plan and execute ``scenario`` for ``codes`` (None = all municipalities)."""
    settings = settings or get_settings()
    registry = registry or load_registry(settings.registry_path)
    store = store or open_store(settings.db_url)
    text = read_scenario_text(scenario) if is_scenario_file(scenario) else None  # kyodo run ./my.yaml: that file, wherever it is
    sc = load_scenario_text(text, Path(scenario)) if text is not None else load_scenario(scenario)
    plans = plan_runs(sc, registry, codes, params, trigger=trigger, logical_date=logical_date, dry_run=dry_run,
                      requested_by=requested_by)
    if text is not None:  # the text validated here travels with the plan: a worker runs exactly it
        attach_scenario_file(plans, scenario, text)
    return get_executor(registry, store, settings, executor).submit(plans, progress=progress)


def submit_run(scenario: str, municipality_code: str, params: dict[str, Any], trigger: Trigger, logical_date: datetime) -> None:
    """Scheduler callback: run ``scenario`` for one municipality on the configured executor."""
    run_scenario(scenario, [municipality_code], params, trigger=trigger, logical_date=logical_date.date())

"""``engine.execute`` never raises once the run is recorded, and always leaves a final status."""

from pathlib import Path

import pytest

import kyodo.runner.engine as engine
from kyodo.core.errors import ApplicationError
from kyodo.core.settings import get_settings
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.model import Scenario
from tests.conftest import REGISTRY


def _run(kyodo_home):
    from kyodo.runner.store import open_store

    sc = Scenario.model_validate({"name": "t", "title": "テスト", "steps": [
        {"action": "flow.log", "with": {"message": "こんにちは"}}]})
    store = open_store()
    plan = RunPlan(scenario="t", owner="352039", municipalities=["352039"])
    return execute(plan, sc, load_registry(REGISTRY), store, get_settings()), store


def _boom(*_a, **_k):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("where", ["record_artifacts", "publish", "secure", "close_log", "prepare"])
def test_a_failing_stage_leaves_a_failed_run_not_an_exception(kyodo_home, monkeypatch, where):
    from kyodo.runner.store import RunStore

    target = {"record_artifacts": (RunStore, "record_artifacts"), "publish": (engine, "publish_outputs"),
              "secure": (engine, "secure_tree"), "close_log": (engine, "_close_log"),
              "prepare": (engine, "input_roots")}[where]
    monkeypatch.setattr(*target, _boom)
    result, store = _run(kyodo_home)
    run = store.get_run(result.run_id)
    assert result.status == run.status == "failed", (where, result.error)
    assert run.finished_at is not None and "No space left" in run.error_message
    assert run.error_class == "application"


def test_the_final_status_is_retried_when_the_store_hiccups(kyodo_home, monkeypatch):
    from kyodo.runner.store import RunStore

    real, calls = RunStore.update_run, []

    def flaky(self, run_id, **fields):
        if "finished_at" in fields and not calls:
            calls.append(1)
            raise ApplicationError("実行履歴データベースがロック中です")
        return real(self, run_id, **fields)

    monkeypatch.setattr(RunStore, "update_run", flaky)
    result, store = _run(kyodo_home)
    assert calls and result.status == store.get_run(result.run_id).status == "succeeded"


def test_a_plan_that_cannot_start_raises_before_anything_is_written(kyodo_home):
    from kyodo.core.errors import BusinessError

    sc = Scenario.model_validate({"name": "t", "title": "テスト", "steps": [{"action": "flow.log", "with": {"message": "x"}}]})
    from kyodo.runner.store import open_store

    with pytest.raises(BusinessError):
        execute(RunPlan(scenario="t", owner="999999", municipalities=["999999"]), sc, load_registry(REGISTRY),
                open_store(), get_settings())
    assert not Path(kyodo_home / "runs").exists()


def test_a_stop_during_the_steps_is_recorded_as_interrupted(kyodo_home, monkeypatch):
    from kyodo.runner.engine import _StepRunner

    def stop(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(_StepRunner, "run", stop)
    with pytest.raises(KeyboardInterrupt):
        _run(kyodo_home)
    from kyodo.runner.store import RunFilter, open_store

    [run] = open_store().list_runs(RunFilter())
    assert run.status == "interrupted" and run.finished_at is not None

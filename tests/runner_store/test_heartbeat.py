"""A run whose machine or worker died is marked 中断 from anywhere, by its missing heartbeat."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kyodo.core.settings import get_settings, reset_settings
from kyodo.runner.engine import execute
from kyodo.runner.heartbeat import Heartbeat
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.store import RunStore, open_store
from kyodo.runner.store.store import now
from tests.ticking import ticking_action


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        return RunStore(f"sqlite:///{tmp_path / 'k.db'}")
    s = RunStore(request.getfixturevalue("postgres_url"))
    with s.engine.begin() as c:
        c.execute(text("TRUNCATE runs CASCADE"))
    return s


def _running(store: RunStore, *, beat_minutes_ago: float | None, worker: str | None = None) -> str:
    """A run left ``running`` by a process on another machine (its process cannot be checked from here)."""
    run = store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                           params={}, artifact_dir="")
    beat = None if beat_minutes_ago is None else now() - timedelta(minutes=beat_minutes_ago)
    store.update_run(run.id, process="another-host:4242:1", worker=worker, heartbeat_at=beat)
    return run.id


def test_a_run_without_heartbeat_for_the_window_is_interrupted_on_any_machine(any_store, monkeypatch):
    monkeypatch.setenv("KYODO_RUN_STALE_MINUTES", "10")
    dead = _running(any_store, beat_minutes_ago=11)
    dead_worker = _running(any_store, beat_minutes_ago=30, worker="celery@lgwan-1")
    alive = _running(any_store, beat_minutes_ago=2)
    unknown = _running(any_store, beat_minutes_ago=None)  # recorded before heartbeats: left to its own machine
    assert sorted(any_store.mark_interrupted()) == sorted([dead, dead_worker])
    run = any_store.get_run(dead)
    assert run.status == "interrupted" and run.finished_at is not None and run.error_class == "application"
    assert "10分以上応答がない" in run.error_message and "kyodo runs rerun" in run.error_message
    assert [any_store.get_run(r).status for r in (alive, unknown)] == ["running", "running"]
    assert any_store.mark_interrupted() == []


def test_a_beat_only_touches_a_running_run(any_store):
    run_id = _running(any_store, beat_minutes_ago=11)
    any_store.beat(run_id)
    assert any_store.mark_interrupted() == [], "a fresh beat keeps the run"
    any_store.update_run(run_id, status="succeeded", heartbeat_at=None)
    any_store.beat(run_id)
    assert any_store.get_run(run_id).heartbeat_at is None


def test_the_engine_beats_while_a_long_action_runs(kyodo_home, monkeypatch):
    monkeypatch.setenv("KYODO_RUN_STALE_MINUTES", "0.01")  # a window of 0.6 s: a beat every 0.12 s
    reset_settings()
    store = open_store()
    seen: list[object] = []

    def slow(ctx, n):  # a page that takes a while; the heartbeat goes on in its own thread
        time.sleep(0.3)
        seen.append(store.get_run(ctx.run_id).heartbeat_at)

    with ticking_action(slow) as name:
        sc = Scenario.model_validate({"name": "t", "title": "テスト", "steps": [{"action": name, "with": {"count": 4}}]})
        plan = RunPlan(scenario="t", owner="352039", municipalities=["352039"])
        result = execute(plan, sc, load_registry(Path("config/municipalities.yaml")), store, get_settings())
    assert result.status == "succeeded"
    assert len(set(seen)) == 4 and seen == sorted(seen), f"the heartbeat did not advance during the action: {seen}"
    assert store.mark_interrupted() == [], "a finished run is never marked, however old its last beat"


def test_a_failed_beat_is_logged_and_the_heartbeat_goes_on(caplog):
    class Flaky:
        calls = 0

        def beat(self, run_id):
            self.calls += 1
            if self.calls == 1:
                raise OSError("database is locked")

    store = Flaky()
    with Heartbeat(store, "r1", stale_minutes=0.005):  # a beat every 0.06 s
        time.sleep(0.4)
    assert store.calls >= 3
    assert "生存通知を書けませんでした" in caplog.text and "database is locked" in caplog.text


def test_a_redelivered_run_takes_its_interrupted_record_over(kyodo_home, monkeypatch):
    """The broker hands the dead worker's run to another worker: one record, now 成功, the 中断 message gone."""
    store = open_store()
    run_id = _running(store, beat_minutes_ago=60, worker="celery@lgwan-1")
    assert store.mark_interrupted() == [run_id]
    during: list[tuple] = []

    def look(ctx, n):
        r = store.get_run(ctx.run_id)
        during.append((r.status, r.finished_at, r.error_message))

    with ticking_action(look) as name:
        sc = Scenario.model_validate({"name": "s", "title": "テスト", "steps": [{"action": name, "with": {"count": 2}}]})
        plan = RunPlan(scenario="s", owner="352039", municipalities=["352039"], run_id=run_id)
        result = execute(plan, sc, load_registry(Path("config/municipalities.yaml")), store, get_settings(), worker="celery@lgwan-2")
    run = store.get_run(run_id)
    assert (result.run_id, run.status, run.error_message, run.attempt, run.worker) == (run_id, "succeeded", None, 2, "celery@lgwan-2")
    assert run.finished_at > run.started_at
    assert during[0] == ("running", None, None), "while it runs again, the earlier 中断 is not shown"

"""The run store against SQLite and a real PostgreSQL; crash recovery and re-runs."""

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import text

from kyodo.core.errors import ApplicationError
from kyodo.runner.store import RunFilter, RunStore
from kyodo.runner.store.migrate import current, heads


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        return RunStore(f"sqlite:///{tmp_path / 'k.db'}")
    url = request.getfixturevalue("postgres_url")
    s = RunStore(url)
    with s.engine.begin() as c:
        c.execute(text("TRUNCATE runs CASCADE"))
    return s


def test_runs_steps_and_artifacts_round_trip(any_store, tmp_path):
    s = any_store
    tmp_path = tmp_path / "run"
    tmp_path.mkdir()
    assert current(s.engine) == ",".join(sorted(heads()))
    run = s.create_run(scenario="e_application_aggregation", version="1.0", municipality="352039", municipalities=["352039"],
                       trigger="schedule", params={"procedure": "施設予約"}, artifact_dir=str(tmp_path), minutes_per_item=1.5,
                       idempotency_key="e:352039:2026-11-24")
    sid = s.start_step(run.id, 1, "login", "browser.login", "山口市(352039)")
    s.finish_step(sid, "failed", "ログインできませんでした")
    (tmp_path / "out.xlsx").write_bytes(b"x" * 10)
    (tmp_path / "failure-01-352039-login.png").write_bytes(b"png")
    s.record_artifacts(run.id, tmp_path)
    s.update_run(run.id, status="failed", items_ok=3, items_failed=1, error_class="business")
    got = s.get_run(run.id)
    assert (got.status, got.trigger, got.items_ok, got.params["procedure"]) == ("failed", "schedule", 3, "施設予約")
    assert [(st.step, st.status) for st in got.steps] == [("login", "failed")]
    assert {a.path: a.kind for a in got.artifacts} == {"failure-01-352039-login.png": "screenshot", "out.xlsx": "output"}
    assert s.find_by_key("e:352039:2026-11-24").id == run.id
    assert [r.id for r in s.list_runs(RunFilter(municipality="352039", status="failed"))] == [run.id]
    assert s.list_runs(RunFilter(municipality="352021")) == []
    again = s.create_run(scenario="e_application_aggregation", version="1.0", municipality="352039",
                         municipalities=["352039"], trigger="rerun", params={}, artifact_dir="", rerun_of=run.id)
    assert [r.id for r in s.list_runs(RunFilter(rerun_of=run.id))] == [again.id]
    assert s.list_runs(RunFilter(rerun_of=again.id)) == []


def test_unreachable_database_is_a_clear_error():
    from kyodo.runner.webserver import free_port

    with pytest.raises(ApplicationError) as e:
        RunStore(f"postgresql+psycopg://kyodo:secret-pw@127.0.0.1:{free_port()}/kyodo")
    assert "接続できません" in str(e.value) and "secret-pw" not in str(e.value) and "***" in str(e.value)


CRASHER = r"""
import os, sys, time
sys.path.insert(0, os.getcwd())
from kyodo.robots import action, RunContext

@action("testing.sleep", title="テスト: 待つ", example="- action: testing.sleep")
def _sleep(ctx: RunContext, *, seconds: float = 60) -> None:
    '''テスト用: 指定秒数待ちます。

    引数:
      seconds: 待つ秒数。
    '''
    print("started", flush=True)
    time.sleep(seconds)

from kyodo.runner.scenario.model import Scenario
from kyodo.runner.plan import RunPlan
from kyodo.runner.engine import execute
from kyodo.runner.registry import load_registry
from kyodo.core.settings import get_settings
from kyodo.runner.store import open_store
sc = Scenario.model_validate({"name": "crashy", "title": "t", "steps": [{"action": "testing.sleep"}]})
execute(RunPlan(scenario="crashy", owner="352039", municipalities=["352039"]), sc,
        load_registry("config/municipalities.yaml"), open_store(), get_settings())
"""


def test_killed_run_is_marked_interrupted_at_next_start(kyodo_home):
    from kyodo.runner.store import open_store

    p = subprocess.Popen([sys.executable, "-c", CRASHER], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert p.stdout.readline().strip() == "started"
        store = open_store()
        [run] = store.list_runs()
        assert run.status == "running" and run.process.split(":")[1] == str(p.pid)
        assert store.mark_interrupted() == [], "a live run of another process is not a crash"
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    finally:
        p.kill()
    assert store.get_run(run.id).status == "running"
    assert store.mark_interrupted() == [run.id]
    again = store.get_run(run.id)
    assert again.status == "interrupted" and "再実行" in again.error_message
    assert store.mark_interrupted() == []


def test_process_tags_tell_live_dead_recycled_and_foreign_processes():
    from kyodo.runner.store._process import is_alive, process_tag

    me = process_tag()
    host, pid, start = me.rsplit(":", 2)
    assert is_alive(me) is True
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert is_alive(process_tag(os.getpid()).replace(f":{pid}:", f":{child.pid}:")) is False  # exited
    assert is_alive(f"{host}:{pid}:{int(start or 0) + 1}") is False  # same pid, another process (recycled)
    assert is_alive(f"other-host.example:{pid}:{start}") is None  # cannot tell: left to that host
    assert is_alive(None) is False  # rows from before process tags: treated as orphaned

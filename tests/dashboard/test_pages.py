"""Dashboard pages without the browser world: users CLI, graceful degradation, clear errors."""

import sqlite3

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kyodo.runner.cli import app as kyodo
from kyodo.runner.dashboard.routes import schedule as schedule_routes
from tests.dashboard.conftest import login


@pytest.fixture()
def client(kyodo_home, monkeypatch):
    from kyodo.core.settings import get_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store

    monkeypatch.setenv("KYODO_NEW_PASSWORD", "pref-pass-12345")
    res = CliRunner().invoke(kyodo, ["users", "add", "pref", "--name", "県 職員"])
    assert res.exit_code == 0, res.output
    settings = get_settings()
    store = open_store()
    with TestClient(create_app(store, load_registry(settings.registry_path), settings, session_secret="x")) as c:
        yield c, store


def test_users_cli_stores_only_an_argon2_hash(client, monkeypatch):
    _, store = client
    from kyodo.runner.store.models import User

    monkeypatch.setenv("KYODO_NEW_PASSWORD", "short")
    res = CliRunner().invoke(kyodo, ["users", "add", "ube", "--municipality", "宇部市"])
    assert res.exit_code == 2 and "10文字以上" in res.output
    monkeypatch.setenv("KYODO_NEW_PASSWORD", "ube-pass-12345")
    res = CliRunner().invoke(kyodo, ["users", "add", "ube", "--municipality", "宇部市"])
    assert res.exit_code == 0 and "352021" in res.output and "ube-pass-12345" not in res.output
    with store.session() as s:
        user = s.get(User, "ube")
    assert user.municipality == "352021" and user.password_hash.startswith("$argon2id$")
    assert "ube-pass-12345" not in user.password_hash


def test_schedule_page_degrades_when_the_schedule_cannot_be_computed(client, monkeypatch):
    c, _ = client
    login(c, "pref")
    assert c.get("/schedule").status_code == 200

    def broken(registry):
        raise RuntimeError("cron式を読めません")

    monkeypatch.setattr(schedule_routes, "next_fire_times", broken)
    page = c.get("/schedule")
    assert page.status_code == 200 and "実行予定を計算できませんでした: cron式を読めません" in page.text
    assert c.get("/").status_code == 200


def test_unknown_pages_and_bad_dates_are_friendly(client):
    c, _ = client
    login(c, "pref")
    missing = c.get("/no-such-page")
    assert missing.status_code == 404 and "ページが見つかりません" in missing.text
    assert c.get("/?since=yesterday&until=2026-13-40&status=bogus").status_code == 200


def test_locked_database_is_a_503_in_japanese(client, tmp_path):
    import re
    import shutil

    from kyodo.core.settings import get_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import RunStore

    _, store = client
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(store.engine.url.database, tmp_path / "copy.db")  # the same users, a database of its own
    slow = RunStore(f"sqlite:///{tmp_path / 'copy.db'}", timeout=0.2)
    slow.engine.dispose()
    blocker = sqlite3.connect(tmp_path / "copy.db", isolation_level=None)
    blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
    blocker.execute("BEGIN EXCLUSIVE")  # a maintenance job holds the whole database
    try:
        settings = get_settings()
        with TestClient(create_app(slow, load_registry(settings.registry_path), settings, session_secret="x")) as c2:
            token = re.search(r'name="csrf" value="([^"]+)"', c2.get("/login").text).group(1)  # needs no database
            r = c2.post("/login", data={"username": "pref", "password": "pref-pass-12345", "csrf": token})
            assert r.status_code == 503 and "ロック中" in r.text and "Traceback" not in r.text
            assert "copy.db" in r.text  # names the database so the operator knows which one
    finally:
        blocker.rollback()
        blocker.close()


RERUN_PROBE = """
name: rerun_probe
title: 再実行テスト
zone: lgwan
steps:
  - id: t
    action: excel.read_csv
    with: {path: 申請.csv}
  - action: flow.log
    with: {message: 読み込みました, count: 1}
"""


def test_staff_rerun_a_failed_run_from_its_page(kyodo_home, user_scenarios):
    import time

    from kyodo.core.settings import get_settings
    from kyodo.runner.audit import entries
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import RunFilter, open_store
    from kyodo.runner.submit import run_scenario
    from tests.dashboard.conftest import csrf_of

    user_scenarios("rerun_probe", RERUN_PROBE)
    settings, store = get_settings(), open_store()
    add_user(store, "yamaguchi", "yamaguchi-pass-1", "352039", "山口市 職員")
    add_user(store, "ube", "ube-pass-12345", "352021", "宇部市 職員")
    [failed] = run_scenario("rerun_probe", ["352039"], store=store)
    [ube_failed] = run_scenario("rerun_probe", ["352021"], store=store)
    assert failed.status == ube_failed.status == "failed" and "申請.csv" in failed.error
    (kyodo_home / "data" / "352039").mkdir(parents=True)
    (kyodo_home / "data" / "352039" / "申請.csv").write_text("受付番号,手続名\n1,施設予約\n", encoding="utf-8")
    app = create_app(store, load_registry(settings.registry_path), settings, session_secret="x")
    with TestClient(app) as c:
        assert login(c, "yamaguchi", "yamaguchi-pass-1").status_code == 303
        page = c.get(f"/runs/{failed.run_id}")
        assert 'id="rerun"' in page.text
        token = csrf_of(page.text)
        assert c.post(f"/runs/{failed.run_id}/rerun", data={}, follow_redirects=False).status_code == 403
        assert c.post(f"/runs/{ube_failed.run_id}/rerun", data={"csrf": token}).status_code == 404, "another town's run"
        r = c.post(f"/runs/{failed.run_id}/rerun", data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/runs/{failed.run_id}"
        assert "再実行を開始しました" in c.get(f"/runs/{failed.run_id}").text
        deadline = time.monotonic() + 60
        while True:
            reruns = [x for x in store.list_runs(RunFilter(municipality=["352039"])) if x.rerun_of == failed.run_id]
            if reruns and reruns[0].status not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, "the rerun never finished"
            time.sleep(0.2)
        [again] = reruns
        assert (again.status, again.trigger, again.items_ok) == ("succeeded", "rerun", 1)
        page = c.get(f"/runs/{failed.run_id}").text
        assert f"/runs/{again.id}" in page and 'id="rerun"' not in page, "no second button once a rerun exists"
        done = c.get(f"/runs/{again.id}")
        assert 'id="rerun"' not in done.text
        assert c.post(f"/runs/{again.id}/rerun", data={"csrf": token}).status_code == 409, "a good run is not re-run"
        twice = c.post(f"/runs/{failed.run_id}/rerun", data={"csrf": token})
        assert twice.status_code == 409 and "再実行されています" in twice.text, "a crafted POST after a good rerun"
        assert [x.id for x in store.list_runs(RunFilter(rerun_of=failed.run_id))] == [again.id]
    actors = [(e.actor, e.action) for e in entries() if e.action in ("run.rerun", "run.start")]
    assert ("yamaguchi", "run.rerun") in actors and ("dashboard:yamaguchi", "run.start") in actors

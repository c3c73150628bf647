"""Server-side sessions, throttled logins with aggregated audit entries, one re-run per click storm,
503 pages for a broken store, and crashed runs corrected by the dashboard itself."""

import re
import threading

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REGISTRY

PASSWORD = "yamaguchi-pass-1"


@pytest.fixture()
def site(kyodo_home):
    """(make_app, store): apps on one store and one session secret, as after a dashboard restart."""
    from kyodo.core.settings import get_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store

    store, registry = open_store(), load_registry(REGISTRY)
    add_user(store, "yamaguchi", PASSWORD, "352039", "山口市 職員")
    return (lambda: create_app(store, registry, get_settings(), session_secret="same-secret")), store


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(c, user="yamaguchi", password=PASSWORD):
    return c.post("/login", data={"username": user, "password": password, "csrf": csrf_of(c.get("/login").text)},
                  follow_redirects=False)


def logged_in(app, cookie):
    with TestClient(app, cookies={"kyodo_session": cookie}) as c:
        return c.get("/", follow_redirects=False).status_code == 200


def failed_run(store):
    r = store.create_run(scenario="e_application_aggregation", version="1", municipality="352039",
                         municipalities=["352039"], trigger="manual", params={}, artifact_dir="")
    store.update_run(r.id, status="failed", error_message="ログインできませんでした")
    return r.id


def test_logout_ends_the_session_for_every_copy_of_the_cookie_also_after_restart(site):
    make_app, store = site
    app = make_app()
    with TestClient(app) as c:
        assert login(c).status_code == 303
        saved = c.cookies["kyodo_session"]
        assert logged_in(make_app(), saved)  # a restarted dashboard still knows the session
        token = csrf_of(c.get("/").text)
        assert c.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert not logged_in(app, saved) and not logged_in(make_app(), saved)
    run_id = failed_run(store)
    with TestClient(make_app(), cookies={"kyodo_session": saved}) as c:
        r = c.post(f"/runs/{run_id}/rerun", data={"csrf": token}, follow_redirects=False)
        assert r.status_code in (303, 403) and r.headers.get("location", "/login") == "/login"
    assert store.active_rerun(run_id) is None


@pytest.mark.parametrize("revoke", ["passwd", "disable", "remove"])
def test_password_change_disable_and_remove_end_sessions(site, revoke):
    from kyodo.runner.dashboard.users import remove_user, set_disabled, set_password

    make_app, store = site
    with TestClient(make_app()) as c:
        login(c)
        saved = c.cookies["kyodo_session"]
    assert logged_in(make_app(), saved)
    {"passwd": lambda: set_password(store, "yamaguchi", "a-new-password-9"),
     "disable": lambda: set_disabled(store, "yamaguchi"), "remove": lambda: remove_user(store, "yamaguchi")}[revoke]()
    assert not logged_in(make_app(), saved)


def test_a_forged_or_old_style_cookie_opens_nothing(site):
    import base64
    import json

    from itsdangerous import TimestampSigner

    make_app, _ = site
    old_style = base64.b64encode(json.dumps({"user": "yamaguchi", "csrf": "x"}).encode())
    cookie = TimestampSigner("same-secret").sign(old_style).decode()  # what a pre-0006 dashboard issued
    assert not logged_in(make_app(), cookie)


def test_three_concurrent_rerun_posts_start_exactly_one(site, monkeypatch):
    import kyodo.runner.dashboard.routes.runs as runs_routes

    make_app, store = site
    run_id = failed_run(store)
    submitted = []
    monkeypatch.setattr(runs_routes, "submit_in_background", lambda dash, plan, name: submitted.append(plan))
    app = make_app()
    with TestClient(app) as c:
        login(c)
        cookie, token = c.cookies["kyodo_session"], csrf_of(c.get(f"/runs/{run_id}").text)
    barrier, codes = threading.Barrier(3), []

    def post():
        with TestClient(app, cookies={"kyodo_session": cookie}) as c:
            barrier.wait()
            codes.append(c.post(f"/runs/{run_id}/rerun", data={"csrf": token}, follow_redirects=False).status_code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from kyodo.runner.store import RunFilter

    reruns = store.list_runs(RunFilter(rerun_of=run_id))
    assert len(submitted) == 1 and len(reruns) == 1 and reruns[0].status == "queued", (codes, reruns)
    assert sorted(codes) == [303, 409, 409]
    assert submitted[0].run_id == reruns[0].id


def test_blocked_logins_write_one_audit_entry_and_never_lock_out_other_addresses(site):
    from kyodo.runner.store.models import AuditRecord

    make_app, store = site
    app = make_app()
    app.state.dash.throttle.clock = lambda: 1000.0  # time stands still: the back-off never runs out here
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        codes = [login(attacker, password="guess-guess-guess").status_code for _ in range(40)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    with TestClient(app, client=("192.0.2.10", 4000)) as staff:
        assert login(staff).status_code == 303  # the right password from the staff member's PC
    with store.session() as s:
        details = [a.detail for a in s.query(AuditRecord).filter(AuditRecord.action == "dashboard.login")]
    refused = [d for d in details if d.startswith("拒否")]
    assert len(refused) == 1 and len(details) == 7, details  # 5 failures, 1 block, 1 success


def test_a_crashed_run_is_corrected_by_the_dashboard(site):
    import socket

    make_app, store = site
    r = store.create_run(scenario="e_application_aggregation", version="1", municipality="352039",
                         municipalities=["352039"], trigger="manual", params={}, artifact_dir="")
    store.update_run(r.id, process=f"{socket.gethostname()[:120]}:999999:1")  # a process that does not exist
    with TestClient(make_app()) as c:
        login(c)
        page = c.get(f"/runs/{r.id}")
    assert store.get_run(r.id).status == "interrupted" and "中断" in page.text


def test_a_corrupted_database_gives_a_503_page_not_a_reset(site, kyodo_home):
    make_app, store = site
    app = make_app()
    with TestClient(app, raise_server_exceptions=False) as c:
        login(c)
        store.engine.dispose()
        (kyodo_home / "kyodo.db").write_bytes(b"\x00not a database" * 2000)
        for suffix in ("-wal", "-shm"):
            (kyodo_home / f"kyodo.db{suffix}").unlink(missing_ok=True)
        r = c.get("/")
        assert r.status_code == 503 and "壊れて" in r.text and "Traceback" not in r.text
        assert "sqlite3" not in r.text and "SELECT" not in r.text

"""Access control: each municipality sees only its own runs and artifacts; CSRF on every form."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.dashboard.conftest import PASSWORDS, csrf_of, login

pytestmark = pytest.mark.browser  # the world is made by the browser robot against the demo portal


def test_login_required_and_wrong_password(dash):
    app, failed, _ = dash
    with TestClient(app) as c:
        for url in ("/", f"/runs/{failed.run_id}", "/effect", "/effect.xlsx", "/schedule",
                    f"/runs/{failed.run_id}/files/run.log"):
            assert c.get(url, follow_redirects=False).headers["location"] == "/login", url
        r = login(c, "yamaguchi", "nope-nope-nope")
        assert r.status_code == 401 and "違います" in r.text
        r = login(c, "nobody", "nope-nope-nope")
        assert r.status_code == 401 and "違います" in r.text  # same answer for unknown users
        ok = login(c, "yamaguchi")
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "kyodo_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie  # plain http on loopback (tests, local use)
        page = c.get("/")
        assert page.status_code == 200 and "山口市 職員" in page.text
        assert page.headers["x-frame-options"] == "DENY" and "script-src 'none'" in page.headers["content-security-policy"]


def test_session_cookie_is_secure_behind_https(world):
    from kyodo.core.settings import get_settings
    from kyodo.runner.dashboard.app import create_app

    app = create_app(world.store, world.registry, get_settings(), session_secret="s", https_only=True)
    with TestClient(app, base_url="https://testserver") as c:
        r = login(c, "pref")
        assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_post_without_csrf_token_is_rejected(dash):
    app, _, _ = dash
    with TestClient(app) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "pref", "password": PASSWORDS["pref"]}, follow_redirects=False)
        assert r.status_code == 403 and "不正な送信" in r.text
        r = c.post("/login", data={"username": "pref", "password": PASSWORDS["pref"], "csrf": "forged"}, follow_redirects=False)
        assert r.status_code == 403
        assert login(c, "pref").status_code == 303
        r = c.post("/logout", data={}, follow_redirects=False)  # a cross-site "log out" link cannot log staff out
        assert r.status_code == 403 and c.get("/", follow_redirects=False).status_code == 200
        token = csrf_of(c.get("/").text)
        assert c.post("/logout", data={"csrf": token}, follow_redirects=False).headers["location"] == "/login"
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_stolen_pre_login_token_is_useless_after_login(dash):
    app, _, _ = dash
    with TestClient(app) as c:
        before = csrf_of(c.get("/login").text)
        login(c, "ube")
        assert c.post("/logout", data={"csrf": before}, follow_redirects=False).status_code == 403


def test_municipality_sees_only_its_own_runs_and_files(dash):
    app, failed, ok = dash
    with TestClient(app) as c:
        login(c, "ube")
        listing = c.get("/").text
        assert f"/runs/{ok.run_id}" in listing and f"/runs/{failed.run_id}" not in listing
        assert "山口市" not in listing.split('id="overview"')[1]  # not even in the overview
        other = c.get(f"/runs/{failed.run_id}")
        assert other.status_code == 404 and "見つかりません" in other.text
        assert c.get("/runs/20990101T000000-00000000").status_code == 404  # same answer as a real foreign ID
        shot = next(p.name for p in failed.artifact_dir.glob("failure-*.png"))
        assert c.get(f"/runs/{failed.run_id}/files/{shot}").status_code == 404
        assert c.get(f"/runs/{failed.run_id}/files/run.log").status_code == 404
        assert c.get("/?municipality=352039").text.count("/runs/") == 0
        # traversal from inside an allowed run, to the other town's run and to the database
        rel = f"../../352039/{failed.run_id}/{shot}"
        assert c.get(f"/runs/{ok.run_id}/files/{rel}").status_code == 404
        assert c.get(f"/runs/{ok.run_id}/files/%2e%2e/%2e%2e/%2e%2e/kyodo.db").status_code == 404
        assert c.get(f"/runs/{ok.run_id}/files/..%2f..%2f..%2fkyodo.db").status_code == 404
        book = next(p.name for p in ok.artifact_dir.glob("*.xlsx"))
        r = c.get(f"/runs/{ok.run_id}/files/{book}")
        assert r.status_code == 200 and r.content[:2] == b"PK" and "attachment" in r.headers["content-disposition"]
        month = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m")
        assert "山口市" not in c.get(f"/effect?month={month}").text.split('id="total"')[1]
        assert "山口市" not in c.get("/schedule").text.split('id="main"')[1]


def test_a_symlink_planted_in_a_run_folder_cannot_leak_files(dash, world):
    app, _, ok = dash
    link = ok.artifact_dir / "leak.txt"
    link.symlink_to(world.home / "kyodo.db")
    try:
        world.store.record_artifacts(ok.run_id, ok.artifact_dir)  # even if it got registered as an artifact
        with TestClient(app) as c:
            login(c, "ube")
            assert c.get(f"/runs/{ok.run_id}/files/leak.txt").status_code == 404
    finally:
        link.unlink()
        world.store.record_artifacts(ok.run_id, ok.artifact_dir)


def test_prefecture_staff_see_everything_and_the_effect_report(dash):
    app, failed, ok = dash
    with TestClient(app) as c:
        login(c, "pref")
        listing = c.get("/").text
        assert f"/runs/{ok.run_id}" in listing and f"/runs/{failed.run_id}" in listing
        detail = c.get(f"/runs/{failed.run_id}").text
        assert "ログインできませんでした" in detail and "failure-" in detail and "wrong-password-xyz" not in detail
        assert f"kyodo runs rerun {failed.run_id}" in detail
        month = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m")
        eff = c.get(f"/effect?month={month}").text
        assert "宇部市" in eff and "<svg" in eff and f"{ok.items_ok:,} 件" in eff
        x = c.get(f"/effect.xlsx?month={month}")
        assert x.status_code == 200 and x.content[:2] == b"PK" and "filename*=UTF-8''" in x.headers["content-disposition"]
        bad = c.get("/effect?month=2026年10月")
        assert bad.status_code == 400 and "YYYY-MM" in bad.text and "Traceback" not in bad.text
        sched = c.get("/schedule")
        assert sched.status_code == 200 and "今後の実行予定" in sched.text


def test_repeated_wrong_passwords_are_throttled(dash):
    app, _, _ = dash
    with TestClient(app) as c:
        for _ in range(5):
            assert login(c, "ube", "guess-guess-guess").status_code == 401
        r = login(c, "ube")  # even the right password waits now
        assert r.status_code == 429 and "しばらくログインできません" in r.text
        assert login(c, "pref").status_code == 303  # other staff are not affected

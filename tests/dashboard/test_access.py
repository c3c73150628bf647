"""Access control: each municipality sees only its own runs and artifacts; CSRF on every form."""

import pytest
from fastapi.testclient import TestClient

from tests.dashboard.conftest import login

pytestmark = pytest.mark.browser  # the fixture drives the portal with Chromium


def test_login_required_and_wrong_password(dash):
    app, failed, _ = dash
    with TestClient(app) as c:
        assert c.get("/", follow_redirects=False).headers["location"] == "/login"
        r = login(c, "yamaguchi", "nope-nope-nope")
        assert r.status_code == 401 and "違います" in r.text
        ok = login(c, "yamaguchi", "yamaguchi-pass-1")
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "kyodo_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_post_without_csrf_token_is_rejected(dash):
    app, _, _ = dash
    with TestClient(app) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "pref", "password": "pref-pass-12345"}, follow_redirects=False)
        assert r.status_code == 403
        r = c.post("/login", data={"username": "pref", "password": "pref-pass-12345", "csrf": "forged"}, follow_redirects=False)
        assert r.status_code == 403


def test_municipality_sees_only_its_own_runs_and_files(dash):
    app, failed, ok = dash
    with TestClient(app) as c:
        login(c, "ube", "ube-pass-12345")
        listing = c.get("/").text
        assert f"/runs/{ok.run_id}" in listing and f"/runs/{failed.run_id}" not in listing
        assert c.get(f"/runs/{failed.run_id}").status_code == 404
        shot = next(p.name for p in failed.artifact_dir.glob("failure-*.png"))
        assert c.get(f"/runs/{failed.run_id}/files/{shot}").status_code == 404
        assert c.get(f"/runs/{failed.run_id}/files/run.log").status_code == 404
        assert c.get("/?municipality=352039").text.count("/runs/") == 0
        # traversal inside an allowed run
        assert c.get(f"/runs/{ok.run_id}/files/../../../kyodo.db").status_code == 404
        assert c.get(f"/runs/{ok.run_id}/files/%2e%2e/%2e%2e/kyodo.db").status_code == 404
        book = next(p.name for p in ok.artifact_dir.glob("*.xlsx"))
        r = c.get(f"/runs/{ok.run_id}/files/{book}")
        assert r.status_code == 200 and r.content[:2] == b"PK"


def test_prefecture_staff_see_everything_and_the_effect_report(dash):
    app, failed, ok = dash
    with TestClient(app) as c:
        login(c, "pref", "pref-pass-12345")
        listing = c.get("/").text
        assert f"/runs/{ok.run_id}" in listing and f"/runs/{failed.run_id}" in listing
        detail = c.get(f"/runs/{failed.run_id}").text
        assert "ログインできませんでした" in detail and "failure-" in detail and "wrong-password-xyz" not in detail
        from datetime import datetime
        from zoneinfo import ZoneInfo

        month = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m")
        eff = c.get(f"/effect?month={month}").text
        assert "宇部市" in eff and "<svg" in eff
        x = c.get(f"/effect.xlsx?month={month}")
        assert x.status_code == 200 and x.content[:2] == b"PK"
        assert c.get("/schedule").status_code == 200

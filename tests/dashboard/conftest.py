import re

import pytest


@pytest.fixture()
def dash(registry, store, kyodo_home, monkeypatch):
    """Users for 山口市, 宇部市 and the prefecture, a failed 山口市 run (wrong password) and a good 宇部市 run."""
    from runner.dashboard.app import create_app
    from runner.dashboard.users import add_user
    from runner.settings import get_settings
    from runner.submit import run_scenario

    add_user(store, "yamaguchi", "yamaguchi-pass-1", "352039", "山口市 職員")
    add_user(store, "ube", "ube-pass-12345", "352021", "宇部市 職員")
    add_user(store, "pref", "pref-pass-12345", None, "県 職員")
    good = __import__("os").environ["KYODO_SECRET_PORTAL_352039"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352039", "wrong-password-xyz")
    [failed] = run_scenario("e_application_aggregation", ["352039"], registry=registry, store=store)
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352039", good)
    [ok] = run_scenario("e_application_aggregation", ["352021"], registry=registry, store=store)
    app = create_app(store, registry, get_settings(), session_secret="test-secret")
    return app, failed, ok


def login(client, user, password):
    html = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    return client.post("/login", data={"username": user, "password": password, "csrf": token}, follow_redirects=False)

"""One realistic world for the dashboard tests, built once: staff users, a failed and a good run.

The failed run is real: the standard e_application_aggregation scenario logs in to the demo
portal with a wrong password for 山口市, so the browser robot leaves a failure screenshot.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REGISTRY

PASSWORDS = {"yamaguchi": "yamaguchi-pass-1", "ube": "ube-pass-12345", "pref": "pref-pass-12345"}


@dataclass
class World:
    home: Path
    store: Any
    registry: Any
    failed: Any
    ok: Any


@pytest.fixture(scope="package")
def world(demo_portal, tmp_path_factory):
    import os

    from runner.dashboard.users import add_user
    from runner.registry import load_registry
    from runner.settings import reset_settings
    from runner.store import open_store
    from runner.submit import run_scenario

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("dashboard") / "var"
    mp.setenv("KYODO_HOME", str(home))
    mp.setenv("KYODO_REGISTRY", str(REGISTRY))
    mp.delenv("KYODO_DB_URL", raising=False)
    mp.delenv("KYODO_EXECUTOR", raising=False)
    reset_settings()
    try:
        registry, store = load_registry(REGISTRY), open_store()
        add_user(store, "yamaguchi", PASSWORDS["yamaguchi"], "352039", "山口市 職員")
        add_user(store, "ube", PASSWORDS["ube"], "352021", "宇部市 職員")
        add_user(store, "pref", PASSWORDS["pref"], None, "県 職員")
        good = os.environ["KYODO_SECRET_PORTAL_352039"]
        mp.setenv("KYODO_SECRET_PORTAL_352039", "wrong-password-xyz")
        [failed] = run_scenario("e_application_aggregation", ["352039"], registry=registry, store=store)
        mp.setenv("KYODO_SECRET_PORTAL_352039", good)
        [ok] = run_scenario("e_application_aggregation", ["352021"], registry=registry, store=store)
        assert failed.status == "failed" and ok.status == "succeeded", (failed.error, ok.error)
        yield World(home, store, registry, failed, ok)
    finally:
        mp.undo()
        reset_settings()


@pytest.fixture()
def dash(world, monkeypatch):
    """(app, failed run, good run): a fresh app (fresh login throttle) on the shared world."""
    from runner.dashboard.app import create_app
    from runner.settings import get_settings, reset_settings

    monkeypatch.setenv("KYODO_HOME", str(world.home))
    monkeypatch.setenv("KYODO_REGISTRY", str(REGISTRY))
    monkeypatch.delenv("KYODO_DB_URL", raising=False)
    reset_settings()
    app = create_app(world.store, world.registry, get_settings(), session_secret="test-secret")
    yield app, world.failed, world.ok
    reset_settings()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, user, password=None):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": user, "password": password or PASSWORDS[user], "csrf": token},
                       follow_redirects=False)

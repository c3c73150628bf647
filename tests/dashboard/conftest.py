"""One realistic world for the dashboard tests, built once: staff users, a failed and a good run.

The failed run is real: the standard e_application_aggregation scenario logs in to the demo
portal with a wrong password for 山口市, so the browser robot leaves a failure screenshot.
"""

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REGISTRY, use_home

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

    from kyodo.core.settings import reset_settings
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario

    mp = pytest.MonkeyPatch()
    home = use_home(mp, tmp_path_factory.mktemp("dashboard") / "var")
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
    from kyodo.core.settings import get_settings, reset_settings
    from kyodo.runner.dashboard.app import create_app

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


# ── an isolated office: its own store and a copy of the config folder (pages that change state) ──

@pytest.fixture()
def office(kyodo_home, tmp_path, monkeypatch):
    """(client factory, store, registry path, submitted plans): the dashboard on a copy of the config folder."""
    from kyodo.core.settings import get_settings, reset_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store

    config = tmp_path / "config"
    shutil.copytree(REGISTRY.parent, config)
    monkeypatch.setenv("KYODO_REGISTRY", str(config / "municipalities.yaml"))
    reset_settings()
    store = open_store()
    for user, code in (("yamaguchi", "352039"), ("ube", "352021"), ("pref", None)):
        add_user(store, user, PASSWORDS[user], code, f"{user} 職員")
    submitted = []
    monkeypatch.setattr("kyodo.runner.dashboard.routes.runs.submit_in_background",
                        lambda dash, plan, name: submitted.append(plan))  # the pages' part: which plan is handed over
    monkeypatch.setattr("kyodo.runner.dashboard.routes.schedule.submit_in_background",
                        lambda dash, plan, name: submitted.append(plan))
    registry = load_registry(config / "municipalities.yaml")
    app = create_app(store, registry, get_settings(), session_secret="s")

    def client(user):
        c = TestClient(app)
        assert login(c, user).status_code == 303
        return c

    client.app = app
    return client, store, config / "municipalities.yaml", submitted


def make_run(store, code, status="succeeded", error=None, day=date(2026, 11, 2), minutes=0, towns=None, scenario="e_application_aggregation"):
    r = store.create_run(scenario=scenario, version="1", municipality=code, municipalities=towns or [code],
                         trigger="schedule", params={}, artifact_dir="", minutes_per_item=1, logical_date=day)
    store.update_run(r.id, status=status, error_message=error, items_ok=3,
                     created_at=datetime(2026, 11, 2, tzinfo=UTC) + timedelta(minutes=minutes))
    return r.id

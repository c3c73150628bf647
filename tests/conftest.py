"""Shared fixtures: an isolated kyodo home per test, the demo portal on loopback, the registry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
REGISTRY = REPO / "config" / "municipalities.yaml"


@pytest.fixture()
def kyodo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh KYODO_HOME (runs, data, SQLite) for one test; nothing is written into the repo."""
    from runner.settings import reset_settings

    home = tmp_path / "var"
    monkeypatch.setenv("KYODO_HOME", str(home))
    monkeypatch.setenv("KYODO_REGISTRY", str(REGISTRY))
    monkeypatch.delenv("KYODO_DB_URL", raising=False)
    monkeypatch.delenv("KYODO_EXECUTOR", raising=False)
    reset_settings()
    yield home
    reset_settings()


@pytest.fixture(scope="session")
def demo_portal() -> Iterator[str]:
    """The bundled e-application portal on a free loopback port, with fresh demo passwords."""
    from runner.demo.run_demo import set_demo_passwords, start_portal
    from runner.registry import load_registry

    old = os.environ.get("KYODO_PORTAL_URL")
    registry = load_registry(REGISTRY)
    set_demo_passwords(registry)
    server = start_portal(registry)
    try:
        yield server.url
    finally:
        server.stop()
        if old is None:
            os.environ.pop("KYODO_PORTAL_URL", None)
        else:
            os.environ["KYODO_PORTAL_URL"] = old


@pytest.fixture()
def registry(demo_portal: str, kyodo_home: Path):
    """The sample registry with portal URLs pointing at the running demo portal."""
    from runner.registry import load_registry

    return load_registry(REGISTRY)


@pytest.fixture()
def store(kyodo_home: Path):
    from runner.store import open_store

    return open_store()

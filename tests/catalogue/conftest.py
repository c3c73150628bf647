"""Fixtures for the catalogue scenarios: demo passwords, the demo 基幹 system on loopback, input folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.notify.conftest import smtp_server  # noqa: F401  (a real SMTP server on loopback, for mail.send)


@pytest.fixture(scope="session")
def demo_registry():
    """The sample registry with fresh demo passwords in the secret store's environment variables."""
    from kyodo.runner.demo.run_demo import set_demo_passwords
    from kyodo.runner.registry import load_registry

    reg = load_registry(REGISTRY)
    set_demo_passwords(reg)
    return reg


@pytest.fixture()
def intake(demo_registry) -> Iterator:
    """Start a demo 基幹 system with the given fault options; every server is stopped afterwards."""
    from kyodo.runner.demo.intake.app import IntakeOptions
    from kyodo.runner.demo.intake.serve import start_intake

    servers = []

    def start(**options):
        server = start_intake(demo_registry, IntakeOptions(**options))
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def records(server, code: str) -> list[dict]:
    """What the demo system holds for ``code`` (read straight from the app's state)."""
    return list(server.server.config.app.state.intake.tenants[code].records)


def state(server):
    return server.server.config.app.state.intake


@pytest.fixture()
def data_dir(kyodo_home: Path):
    def folder(code: str) -> Path:
        d = kyodo_home / "data" / code
        d.mkdir(parents=True, exist_ok=True)
        return d

    return folder

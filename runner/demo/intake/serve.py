"""Start the demo 基幹 system for the registry's municipalities (demo and tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kyodo.runner.demo.intake.app import IntakeOptions, IntakeTenant, create_intake_app
from kyodo.runner.registry import Registry
from kyodo.runner.secrets import get_secret
from kyodo.runner.webserver import serve_in_thread


def intake_tenants(registry: Registry, secret: Callable[[str], str]) -> list[IntakeTenant]:
    """One account per municipality, sharing the demo portal's login (a real system has its own)."""
    return [IntakeTenant(m.code, m.name, m.credentials.user, secret(m.credentials.password_secret))
            for m in registry.all() if m.credentials is not None]


def start_intake(registry: Registry, options: IntakeOptions | None = None) -> Any:
    """Serve the demo system alone on a free loopback port (``server.url`` + ``/<code>/kikan``)."""
    return serve_in_thread(create_intake_app(intake_tenants(registry, get_secret), options))

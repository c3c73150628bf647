"""``kyodo demo``: start the bundled portal, run the standard scenarios for the sample municipalities.

Passwords for the demo portal are generated for this run and handed over through the
secret store's environment variables, exactly as a real deployment would; nothing is
written to files.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo.core.settings import Settings
from kyodo.robots.browser import shutdown
from kyodo.robots.ocr.sample_forms import write_sample_forms
from kyodo.robots.reconcile.demo_data import write_demo_tax_inputs
from kyodo.runner.demo.catalogue import run_catalogue
from kyodo.runner.demo.portal.app import create_app
from kyodo.runner.demo.portal.tenants import tenants_b_from_registry, tenants_from_registry
from kyodo.runner.demo.portal_b.app import create_app_b
from kyodo.runner.engine import RunResult
from kyodo.runner.privatefiles import secure_tree
from kyodo.runner.registry import Registry
from kyodo.runner.secrets import env_name, get_secret
from kyodo.runner.store import open_store
from kyodo.runner.submit import run_scenario
from kyodo.runner.webserver import serve_in_thread


@dataclass
class DemoReport:
    portal_url: str
    results: dict[str, list[RunResult]] = field(default_factory=dict)
    seconds: float = 0.0


def set_demo_passwords(registry: Registry) -> None:
    """Give every demo account a fresh random password through ``KYODO_SECRET_*`` variables."""
    for m in registry.all():
        if m.credentials is not None:
            os.environ.setdefault(env_name(m.credentials.password_secret), secrets.token_urlsafe(12))


@dataclass
class Portals:
    """The two demo products, each on its own free loopback port; ``url`` is product A's."""

    a: Any
    b: Any

    @property
    def url(self) -> str:
        return self.a.url

    def stop(self) -> None:
        self.b.stop()
        self.a.stop()


def start_portal(registry: Registry) -> Portals:
    """Serve both demo products (A: 電子申請サービス, B: e-Shinsei クラウド) on free loopback ports.

    Sets ``KYODO_PORTAL_URL`` and ``KYODO_PORTAL_B_URL``, which the sample registry's portal URLs use.
    """
    a = serve_in_thread(create_app(tenants_from_registry(registry, get_secret)))
    b = serve_in_thread(create_app_b(tenants_b_from_registry(registry, get_secret)))
    os.environ["KYODO_PORTAL_URL"] = a.url
    os.environ["KYODO_PORTAL_B_URL"] = b.url
    return Portals(a, b)


def prepare_inputs(registry: Registry, settings: Settings) -> list[str]:
    """Write deterministic sample inputs (tax ledgers, payment files, scanned forms) per municipality.

    Returns the standard scenarios that have sample data and so can run in the demo.
    """
    runnable = ["e_application_aggregation"]
    for m in registry.all():
        base = settings.data_dir / m.code
        if not (base / "zengin").exists():
            # each municipality's 基幹 vendor layout (kyodo.robots.reconcile.demo_data.DEMO_VENDORS); read via its municipality file
            write_demo_tax_inputs(base, m.code, int(m.code))
    runnable.append("tax_reconciliation")
    for m in registry.all()[:3]:
        forms = settings.data_dir / m.code / "scans"
        if not forms.exists():
            write_sample_forms(forms, 4, int(m.code), False)
    runnable.append("paper_application_ocr")
    secure_tree(settings.data_dir, settings.home)  # sample inputs hold (synthetic) My Numbers and names
    return runnable


def run_demo(settings: Settings, registry_loader: Callable[[], Registry], progress: Any = None) -> DemoReport:
    """Run the demo end to end and return what happened (the CLI prints it)."""
    registry = registry_loader()
    set_demo_passwords(registry)
    server = start_portal(registry)
    started = time.monotonic()
    try:
        registry = registry_loader()  # reload: portal URLs now point at the running portal
        store = open_store(settings.db_url)
        store.mark_interrupted()
        report = DemoReport(portal_url=server.url)
        for name in prepare_inputs(registry, settings):
            codes = None if name != "paper_application_ocr" else [m.code for m in registry.all()[:3]]
            report.results[name] = run_scenario(name, codes, registry=registry, store=store, settings=settings,
                                                progress=progress, executor="local")
        # 転記・時間外・ふるさと納税・施設予約・住民異動
        report.results.update(run_catalogue(registry, settings, store, progress).results)
        report.seconds = time.monotonic() - started
        return report
    finally:
        shutdown()
        server.stop()


def find_outputs(results: list[RunResult], suffix: str = ".xlsx") -> list[Path]:
    """The workbooks a list of runs produced (for printing where the outputs are)."""
    return sorted(p for r in results for p in r.artifact_dir.glob(f"*{suffix}"))

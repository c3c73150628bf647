"""Shared fixtures: an isolated kyodo home per test, the demo portal on loopback, the registry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REGISTRY = REPO / "config" / "municipalities.yaml"


def use_home(mp: pytest.MonkeyPatch, home: Path) -> Path:
    """Point kyodo at ``home`` (runs, data, SQLite) and the sample registry, on the local executor."""
    from kyodo.core.settings import reset_settings

    mp.setenv("KYODO_HOME", str(home))
    mp.setenv("KYODO_REGISTRY", str(REGISTRY))
    mp.delenv("KYODO_DB_URL", raising=False)
    mp.delenv("KYODO_EXECUTOR", raising=False)
    reset_settings()
    return home


@pytest.fixture()
def kyodo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh KYODO_HOME (runs, data, SQLite) for one test; nothing is written into the repo."""
    from kyodo.core.settings import reset_settings

    yield use_home(monkeypatch, tmp_path / "var")
    reset_settings()


@pytest.fixture()
def user_scenarios(kyodo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A DX leader's own scenario folder (KYODO_SCENARIOS): call it with name and YAML text to add one."""
    from kyodo.core.settings import reset_settings

    folder = tmp_path / "scenarios"
    folder.mkdir()
    monkeypatch.setenv("KYODO_SCENARIOS", str(folder))
    reset_settings()

    def write(name: str, text: str) -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def demo_portal() -> Iterator[str]:
    """The bundled e-application portal on a free loopback port, with fresh demo passwords."""
    from kyodo.runner.demo.run_demo import set_demo_passwords, start_portal
    from kyodo.runner.registry import load_registry

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
    from kyodo.runner.registry import load_registry

    return load_registry(REGISTRY)


@pytest.fixture()
def store(kyodo_home: Path):
    from kyodo.runner.store import open_store

    return open_store()


def _pg_bin() -> Path | None:
    for v in ("17", "16", "15", "14"):
        p = Path(f"/usr/lib/postgresql/{v}/bin")
        if (p / "initdb").exists():
            return p
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> Iterator[str]:
    """A real PostgreSQL on a free loopback port, in a temporary cluster (stopped afterwards)."""
    import getpass
    import shutil
    import subprocess

    from kyodo.runner.webserver import free_port

    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries are not installed (make test installs them with apt)")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kyodo-pg-"))  # outside pytest's 0700 root-only tree
    data = base / "data"
    run_as: list[str] = []
    if getpass.getuser() == "root":  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        base.chmod(0o700)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "kyodo", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True)
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], check=True, capture_output=True)
    try:
        subprocess.run([*run_as, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "kyodo", "kyodo"],
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://kyodo@127.0.0.1:{port}/kyodo"
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

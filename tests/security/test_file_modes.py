"""Files under the kyodo home are owner-only: folders 0700, files 0600 (demo inputs with My Numbers too)."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from tests.conftest import REGISTRY, REPO


def modes(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mode & 0o777 for p in [root, *root.rglob("*")]}


def assert_owner_only(root: Path) -> None:
    found = modes(root)
    assert any(p.is_file() for p in found)
    bad = {str(p): oct(m) for p, m in found.items() if m != (0o700 if p.is_dir() else 0o600)}
    assert not bad, bad


def test_cli_process_creates_home_and_database_owner_only(tmp_path):
    home = tmp_path / "var"
    env = {**os.environ, "KYODO_HOME": str(home), "KYODO_REGISTRY": str(REGISTRY), "KYODO_NEW_PASSWORD": "long-enough-pass"}
    env.pop("KYODO_DB_URL", None)
    script = "import os, sys; os.umask(0o022); from kyodo.runner.cli import main; sys.argv = ['kyodo', *sys.argv[1:]]; main()"
    done = subprocess.run([sys.executable, "-c", script, "users", "add", "taro", "--municipality", "352021"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert_owner_only(home)


def test_demo_inputs_are_owner_only(kyodo_home):
    from kyodo.core.settings import get_settings
    from kyodo.runner.demo.run_demo import prepare_inputs
    from kyodo.runner.registry import load_registry

    old = os.umask(0o022)  # as a careless caller would leave it
    try:
        registry = load_registry(REGISTRY)
        one = SimpleNamespace(all=lambda: registry.all()[:1])
        prepare_inputs(one, get_settings())
    finally:
        os.umask(old)
    data = kyodo_home / "data"
    assert list(data.rglob("ledger.xlsx")) and list(data.rglob("*.png"))
    assert_owner_only(data)
    assert kyodo_home.stat().st_mode & 0o777 == 0o700

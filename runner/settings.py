"""Where kyodo keeps its files and which database it uses, from the environment.

Everything has an embedded default (SQLite and folders under ``./var``) so a new user needs
nothing installed; shared deployments point ``KYODO_DB_URL`` at PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STANDARD_SCENARIOS = PACKAGE_ROOT / "scenarios"


@dataclass(frozen=True)
class Settings:
    """Resolved paths and URLs for one process."""

    home: Path
    registry_path: Path
    db_url: str
    scenario_dirs: tuple[Path, ...]
    executor: str

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"


def _default_registry() -> Path:
    local = Path.cwd() / "config" / "municipalities.yaml"
    return local if local.exists() else PACKAGE_ROOT / "config" / "municipalities.yaml"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from ``KYODO_*`` environment variables (cached; tests call ``reset_settings``)."""
    home = Path(os.environ.get("KYODO_HOME", Path.cwd() / "var")).resolve()
    registry = Path(os.environ.get("KYODO_REGISTRY", _default_registry()))
    db_url = os.environ.get("KYODO_DB_URL", f"sqlite:///{home / 'kyodo.db'}")
    extra = [Path(p) for p in os.environ.get("KYODO_SCENARIOS", "").split(os.pathsep) if p]
    return Settings(
        home=home,
        registry_path=registry,
        db_url=db_url,
        scenario_dirs=(*extra, Path.cwd() / "scenarios_local", STANDARD_SCENARIOS),
        executor=os.environ.get("KYODO_EXECUTOR", "local"),
    )


def reset_settings() -> None:
    """Forget cached settings (after changing ``KYODO_*`` variables)."""
    get_settings.cache_clear()

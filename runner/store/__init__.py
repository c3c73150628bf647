"""Run history: runs, step logs and artifacts in SQLite (default) or PostgreSQL."""

from kyodo.core.settings import get_settings
from kyodo.runner.store.store import RunFilter, RunStore, new_run_id

__all__ = ["RunStore", "RunFilter", "new_run_id", "open_store"]


def open_store(url: str | None = None) -> RunStore:
    """The store at ``url`` or at the configured ``KYODO_DB_URL`` (SQLite under var/ by default)."""
    return RunStore(url or get_settings().db_url)

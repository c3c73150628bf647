"""Run history: runs, step logs and artifacts in SQLite (default) or PostgreSQL."""

from kyodo.runner.store.store import (
    JST,
    STATUS_JA,
    STATUSES,
    TERMINAL,
    TRIGGER_JA,
    RunFilter,
    RunStore,
    jst,
    new_run_id,
)

__all__ = ["RunStore", "RunFilter", "TERMINAL", "STATUSES", "STATUS_JA", "TRIGGER_JA", "JST", "jst", "new_run_id",
           "open_store"]


def open_store(url: str | None = None) -> RunStore:
    """The store at ``url`` or at the configured ``KYODO_DB_URL`` (SQLite under var/ by default)."""
    from kyodo.core.settings import get_settings

    return RunStore(url or get_settings().db_url)

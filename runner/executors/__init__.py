"""Executors: ``local`` (default, in-process) and ``celery`` (workers per network zone)."""

from __future__ import annotations

from kyodo.core.errors import BusinessError
from kyodo.core.settings import Settings
from kyodo.runner.executors.base import Executor
from kyodo.runner.executors.celery import CeleryExecutor
from kyodo.runner.executors.local import LocalExecutor
from kyodo.runner.registry import Registry
from kyodo.runner.store import RunStore


def get_executor(registry: Registry, store: RunStore, settings: Settings, name: str | None = None) -> Executor:
    """The executor chosen by ``KYODO_EXECUTOR`` (or ``name``)."""
    name = name or settings.executor
    if name == "local":
        return LocalExecutor(registry, store, settings)
    if name == "celery":
        return CeleryExecutor(registry, store, settings)
    raise BusinessError(f"実行方式「{name}」は使えません。", hint="KYODO_EXECUTOR は local か celery です。")


__all__ = ["Executor", "get_executor"]

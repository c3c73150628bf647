"""Shared CLI plumbing: console, Japanese error output, loading settings/registry/store."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from robots.errors import KyodoError
from robots.privacy import mask_text

# Piped output (logs, CI, scripts) gets wide lines so run IDs and paths are never cut.
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    """Turn kyodo errors into a Japanese message and exit code 2 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KyodoError as exc:
            err_console.print(f"[bold red]エラー[/]: {escape(mask_text(str(exc)))}", highlight=False, markup=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def load_context() -> tuple[Any, Any, Any]:
    """(settings, registry, store) for commands that need them."""
    from runner.registry import load_registry
    from runner.settings import get_settings
    from runner.store import open_store

    settings = get_settings()
    return settings, load_registry(settings.registry_path), open_store(settings.db_url)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param name=value`` pairs into a dict."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            from robots.errors import BusinessError

            raise BusinessError(f"--param「{item}」は 名前=値 の形で指定してください。")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def is_tty() -> bool:
    return sys.stdout.isatty()

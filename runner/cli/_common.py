"""Shared CLI plumbing: console, Japanese error output, loading settings/registry/store."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from kyodo.core.errors import KyodoError
from kyodo.core.privacy import mask_text

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
            _print_error(exc)
            raise typer.Exit(2) from None
        except Exception as exc:  # a store or disk failure outside the store's own wrapper
            if not _is_store_failure(exc):
                raise
            _print_error(store_failure(exc))
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _print_error(exc: BaseException) -> None:
    err_console.print(f"[bold red]エラー[/]: {escape(mask_text(str(exc)))}", highlight=False, markup=True)


def _is_store_failure(exc: BaseException) -> bool:
    mod = type(exc).__module__
    return isinstance(exc, OSError) or mod.startswith("sqlalchemy") or mod == "sqlite3"


def store_failure(exc: BaseException) -> KyodoError:
    """A Japanese message for a database or disk failure (never SQL, parameters or a traceback)."""
    import errno

    from kyodo.core.errors import ApplicationError
    from kyodo.core.settings import get_settings
    from kyodo.runner.store.store import db_error

    if not isinstance(exc, OSError):
        return db_error(get_settings().db_url, exc)
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return ApplicationError("ディスクの空き容量がないため書き込めません。", where=getattr(exc, "filename", None) or "",
                                hint="ディスクの空きを増やしてから、もう一度実行してください（古い成果物は kyodo artifacts purge で削除できます）。")
    if isinstance(exc, PermissionError):
        return ApplicationError("ファイルまたはフォルダに書き込む権限がありません。", where=getattr(exc, "filename", None) or "",
                                hint="kyodo を動かすユーザーの権限と KYODO_HOME の場所を確認してください。")
    return ApplicationError(f"ファイルの読み書きに失敗しました（{exc.strerror or exc.__class__.__name__}）。",
                            where=getattr(exc, "filename", None) or "", hint="ディスクとフォルダの状態を確認してください。")


def load_context() -> tuple[Any, Any, Any]:
    """(settings, registry, store) for commands that need them."""
    from kyodo.core.settings import get_settings
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store

    settings = get_settings()
    return settings, load_registry(settings.registry_path), open_store(settings.db_url)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param name=value`` pairs into a dict."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            from kyodo.core.errors import BusinessError

            raise BusinessError(f"--param「{item}」は 名前=値 の形で指定してください。")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def is_tty() -> bool:
    return sys.stdout.isatty()


def municipality_code(registry: Any, text: str) -> str:
    """A municipality given by code or name (``352021`` or ``宇部市``); unknown ones get a plain Japanese error."""
    import difflib

    from kyodo.core.errors import BusinessError
    from kyodo.core.lgcode import lg_code_valid

    value = text.strip()
    towns = [registry.prefecture, *registry.municipalities]
    for m in towns:
        if value in (m.code, m.name):
            return m.code
    if value.isdigit() and not lg_code_valid(value):
        return registry.get(value).code  # the check-digit message, which is the real problem here
    close = difflib.get_close_matches(value, [m.name for m in towns], n=3, cutoff=0.4)
    raise BusinessError(f"自治体「{value}」は台帳に登録されていません。",
                        hint=(f"もしかして: {'、'.join(close)}。" if close else "") + "kyodo municipalities で一覧を確認できます。")

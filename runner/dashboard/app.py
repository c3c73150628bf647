"""The staff dashboard: run history, step logs, failure screenshots, artifacts, schedule, effect.

Server-rendered Japanese pages (Jinja2, no JavaScript framework). Access control: staff log in;
a municipality's staff see only their municipality's runs and artifacts, prefecture staff see
everything. Sessions live in the run store (the signed HttpOnly SameSite cookie, Secure behind
HTTPS, carries only a token; logout and ``kyodo users passwd/disable`` revoke it), every POST form
carries a CSRF token, and file downloads are confined to the run's own folder.

This module only assembles the app: the routes live in ``routes/`` (one module per page group),
sessions, CSRF and rendering in ``deps.py``.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DatabaseError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from kyodo.core.errors import ErrorKind, KyodoError
from kyodo.core.privacy import mask_text
from kyodo.core.settings import Settings
from kyodo.core.status import RERUNNABLE  # noqa: F401 - public: used by tests and the CLI
from kyodo.runner.dashboard.deps import Dashboard, LoginRedirect, current_quietly, get_dash, make_templates, page
from kyodo.runner.dashboard.routes import auth, effect, runs, schedule
from kyodo.runner.dashboard.routes.runs import can_rerun  # noqa: F401 - public: used by tests and the CLI
from kyodo.runner.dashboard.sessions import LIFETIME
from kyodo.runner.registry import Registry
from kyodo.runner.store import RunStore
from kyodo.runner.store.store import db_error

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    "Cache-Control": "no-store",
}


def create_app(store: RunStore, registry: Registry, settings: Settings, *, session_secret: str | None = None,
               https_only: bool = False) -> FastAPI:
    """The dashboard app. ``https_only`` marks the session cookie ``Secure`` (serve behind HTTPS)."""
    app = FastAPI(title="kyodo ダッシュボード", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or secrets.token_hex(32), same_site="lax",
                       https_only=https_only, session_cookie="kyodo_session", max_age=int(LIFETIME.total_seconds()))
    app.state.dash = Dashboard(store, registry, settings, make_templates(), registry.names())
    app.middleware("http")(_security_headers)
    _add_error_pages(app)
    for module in (auth, runs, schedule, effect):
        app.include_router(module.router)
    app.get("/healthz")(_healthz)
    return app


async def _security_headers(request: Request, call_next: Any) -> Response:
    response = await call_next(request)
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    return response


def _healthz() -> dict[str, str]:
    return {"status": "ok"}


def _add_error_pages(app: FastAPI) -> None:
    """Japanese error pages: never a traceback, never an English framework message."""

    @app.exception_handler(LoginRedirect)
    async def _redirect(_: Request, exc: LoginRedirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else "ページが見つかりません。"
        return page(request, "error.html", current_quietly(request), status_code=exc.status_code, message=detail, hint=None)

    @app.exception_handler(KyodoError)
    async def _kyodo_error(request: Request, exc: KyodoError) -> Response:
        code = 400 if exc.kind == ErrorKind.BUSINESS else 503  # bad input vs. database busy/unreachable
        who = current_quietly(request) if code == 400 else None  # a busy database cannot be asked who is logged in
        hint = " ".join(x for x in (exc.hint, f"（{exc.where}）" if exc.where and code == 503 else "") if x)
        return page(request, "error.html", who, status_code=code, message=mask_text(exc.message), hint=mask_text(hint))

    @app.exception_handler(DatabaseError)
    async def _db_down(request: Request, exc: DatabaseError) -> Response:
        # locked, unreachable, corrupted or full: say so, name the database, never a traceback
        return await _kyodo_error(request, db_error(get_dash(request).store.url, exc))

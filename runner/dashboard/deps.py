"""Shared dashboard plumbing: the app's context, who is logged in, CSRF, and page rendering.

Everything about sessions and CSRF lives here (and the login/logout routes in ``routes/auth.py``),
so that session handling can change in one place.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kyodo.core.jst import jst
from kyodo.core.privacy import mask_text
from kyodo.core.settings import Settings
from kyodo.core.status import STATUS_JA, TRIGGER_JA
from kyodo.runner.dashboard._throttle import LoginThrottle
from kyodo.runner.dashboard.sessions import close_session, open_session, session_user
from kyodo.runner.dashboard.users import Staff, get_staff
from kyodo.runner.notify.send import notify_interrupted_quietly
from kyodo.runner.registry import Registry
from kyodo.runner.scenario.titles import action_title, human_result, scenario_title
from kyodo.runner.store import RunStore

TEMPLATES = Path(__file__).parent / "templates"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginRedirect(Exception):
    """Raised by ``require_staff`` when nobody is logged in; answered with a redirect to /login."""

    def __init__(self, url: str = "/login") -> None:
        self.url = url


@dataclass
class Dashboard:
    """What every route needs, built once per app (``app.state.dash``)."""

    store: RunStore
    registry: Registry
    settings: Settings
    templates: Jinja2Templates
    names: dict[str, str]
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    extra: dict[str, Any] = field(default_factory=dict)  # page-wide template values (filters, labels)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["jst"] = lambda d: jst(d, empty="")
    templates.env.filters["mask"] = lambda v: mask_text(str(v)) if v is not None else ""
    templates.env.filters["human"] = human_result
    templates.env.globals["scenario_title"] = scenario_title
    templates.env.globals["action_title"] = action_title
    return templates


def get_dash(request: Request) -> Dashboard:
    return request.app.state.dash


def current(request: Request) -> Staff | None:
    """The logged-in staff member, or None. The cookie holds only a session token: the session must
    still exist in the run store (not logged out, not revoked by ``kyodo users passwd/disable``,
    not expired or idle) and the account must be enabled."""
    token = request.session.get("sid") if "session" in request.scope else None
    store = get_dash(request).store
    user = session_user(store, token) if token else None
    return get_staff(store, user) if user else None


def current_quietly(request: Request) -> Staff | None:
    """:func:`current` for error pages: a broken database must not turn an error page into a reset."""
    try:
        return current(request)
    except Exception:  # noqa: BLE001 - the error page is shown without the staff member's name
        return None


def require_staff(request: Request) -> Staff:
    """Dependency for every staff page: the staff member, or a redirect to the login page.

    Also corrects runs whose local process died (at most every 15 s), so staff never see a crashed
    run as 実行中 waiting for a CLI command."""
    who = current(request)
    if who is None:
        request.session.pop("sid", None)
        raise LoginRedirect("/login")
    dash = get_dash(request)
    notify_interrupted_quietly(dash.store.reap_crashed(), dash.store, dash.registry, background=True)
    return who


def start_session(request: Request, who: Staff) -> None:
    """A fresh server-side session after login: no fixation of a pre-login cookie, a new CSRF token."""
    request.session.clear()
    request.session["sid"] = open_session(get_dash(request).store, who.username)
    request.session["csrf"] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    """Logout: the server-side session ends, so every copy of the cookie stops working."""
    close_session(get_dash(request).store, request.session.get("sid"))
    request.session.clear()


def csrf_token(request: Request) -> str:
    tok = request.session.get("csrf")
    if not tok:
        tok = request.session["csrf"] = secrets.token_urlsafe(32)
    return tok


def check_csrf(request: Request, token: str) -> None:
    if not token or not hmac.compare_digest(token, request.session.get("csrf", "")):
        raise HTTPException(403, "フォームの有効期限が切れたか、不正な送信です。画面を開き直してからやり直してください。")


def csrf_form(request: Request, csrf: str = Form("")) -> None:
    """Dependency for every POST form: list it before ``require_staff`` so a forged post is refused first."""
    check_csrf(request, csrf)


def visible_codes(who: Staff) -> list[str] | None:
    """None = every municipality (prefecture staff); else the staff member's own code."""
    return None if who.is_prefecture else [who.municipality or ""]


def page(request: Request, name: str, who: Staff | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a page with what every template needs (who, CSRF token, names, status labels)."""
    dash = get_dash(request)
    base = {"me": who, "csrf": csrf_token(request), "names": dash.names, "status_ja": STATUS_JA,
            "trigger_ja": TRIGGER_JA, "path": request.url.path, **dash.extra}
    return dash.templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status_code)

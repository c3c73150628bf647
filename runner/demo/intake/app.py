"""The demo 児童手当 受付 system ("基幹システム"), one tenant per municipality under ``/{code}/kikan``.

It behaves like the legacy business systems 転記 robots meet in town halls:

- login with a server-side session that expires (``session_seconds``: absolute lifetime), after
  which every page sends the user back to the login page and the half-typed form is lost;
- a three-page form (申請者 → 児童・口座 → 確認) whose draft lives in the session;
- server-side validation with Japanese messages (``.error``), and a duplicate check on the
  applicant (same 氏名 and 生年月日 under another 受付番号);
- search by 受付番号 and a detail page (``[data-field=...]``) used to verify an entry;
- occasional slow answers (every ``slow_every``-th request waits ``slow_seconds``).

It does not refuse a second record with the same 受付番号 — real systems number records
themselves — so a robot that enters twice is caught by the tests, not hidden by the server.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from kyodo.runner.demo.intake.rules import BANKS, RELATIONSHIPS, validate_page

COOKIE = "kikan_sid"


@dataclass
class IntakeTenant:
    """One municipality's account on the demo system and its records."""

    code: str
    name: str
    user: str
    password: str
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IntakeOptions:
    """Fault behaviour; tests make sessions short and answers slow."""

    session_seconds: float = 600.0
    slow_every: int = 0
    slow_seconds: float = 0.0


@dataclass
class _Session:
    tenant: str
    created: float
    draft: dict[str, Any] = field(default_factory=dict)


class IntakeState:
    """Tenants, sessions and a request counter shared by all handlers (thread-safe)."""

    def __init__(self, tenants: list[IntakeTenant], options: IntakeOptions) -> None:
        self.tenants = {t.code: t for t in tenants}
        self.options = options
        self.sessions: dict[str, _Session] = {}
        self.lock = threading.Lock()
        self.requests = 0
        self.expired = 0

    def tenant(self, code: str) -> IntakeTenant:
        t = self.tenants.get(code)
        if t is None:
            raise HTTPException(404, "自治体が見つかりません")
        return t

    def tick(self) -> None:
        with self.lock:
            self.requests += 1
            slow = self.options.slow_every and self.requests % self.options.slow_every == 0
        if slow:
            time.sleep(self.options.slow_seconds)

    def session(self, request: Request, code: str) -> _Session | None:
        """The live session for ``code``, or ``None`` (never logged in, or expired)."""
        sid = request.cookies.get(COOKIE, "")
        with self.lock:
            s = self.sessions.get(sid)
            if s is None or s.tenant != code:
                return None
            if time.monotonic() - s.created > self.options.session_seconds:
                del self.sessions[sid]
                self.expired += 1
                return None
            return s

    def add_record(self, t: IntakeTenant, draft: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            rec = dict(draft, management_no=f"K{t.code[:5]}-{len(t.records) + 1:05d}", id=len(t.records) + 1)
            t.records.append(rec)
            return rec


class _Views:
    """Rendering and the session guard shared by the route groups."""

    def __init__(self, state: IntakeState) -> None:
        self.state = state
        self.templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

    def render(self, request: Request, name: str, t: IntakeTenant, status: int = 200, **ctx: Any) -> HTMLResponse:
        base = {"t": t, "relationships": RELATIONSHIPS, "banks": BANKS}
        return self.templates.TemplateResponse(request, name, base | ctx, status_code=status)

    def guard(self, request: Request, code: str) -> tuple[IntakeTenant, _Session]:
        """The tenant and live session, or a redirect to the login page (time-out included)."""
        self.state.tick()
        t = self.state.tenant(code)
        s = self.state.session(request, code)
        if s is None:
            raise HTTPException(303, headers={"Location": f"/{code}/kikan/login?expired=1"})
        return t, s


def create_intake_app(tenants: list[IntakeTenant], options: IntakeOptions | None = None) -> FastAPI:
    """The demo system for ``tenants``; ``app.state.intake`` gives tests the records."""
    app = FastAPI(title="児童手当 受付システム（デモ）", docs_url=None, redoc_url=None, openapi_url=None)
    state = IntakeState(tenants, options or IntakeOptions())
    app.state.intake = state
    views = _Views(state)
    _login_routes(app, views)
    _record_routes(app, views)
    _form_routes(app, views)
    return app


def _login_routes(app: FastAPI, v: _Views) -> None:
    state = v.state

    @app.get("/{code}/kikan/login", response_class=HTMLResponse)
    def login_form(request: Request, code: str, expired: int = 0) -> HTMLResponse:
        t = state.tenant(code)
        notice = "セッションの有効期限が切れました。もう一度ログインしてください。" if expired and request.cookies.get(COOKIE) else None
        return v.render(request, "login.html", t, notice=notice, error=None)

    @app.post("/{code}/kikan/login", response_class=HTMLResponse)
    async def login(request: Request, code: str) -> Response:
        state.tick()
        t = state.tenant(code)
        form = await request.form()
        ok = hmac.compare_digest(str(form.get("user", "")), t.user) & hmac.compare_digest(
            str(form.get("password", "")).encode(), t.password.encode())
        if not ok:
            return v.render(request, "login.html", t, 401, notice=None, error="ログインIDまたはパスワードが違います。")
        sid = secrets.token_urlsafe(16)
        with state.lock:
            state.sessions[sid] = _Session(code, time.monotonic())
        resp = RedirectResponse(f"/{code}/kikan/", status_code=303)
        resp.set_cookie(COOKIE, sid, httponly=True, samesite="lax", path=f"/{code}/kikan")
        return resp


def _record_routes(app: FastAPI, v: _Views) -> None:
    @app.get("/{code}/kikan/", response_class=HTMLResponse)
    def menu(request: Request, code: str) -> HTMLResponse:
        t, _ = v.guard(request, code)
        return v.render(request, "menu.html", t)

    @app.get("/{code}/kikan/search", response_class=HTMLResponse)
    def search(request: Request, code: str, receipt_no: str = "") -> HTMLResponse:
        t, _ = v.guard(request, code)
        hits = [r for r in t.records if receipt_no and r["receipt_no"] == receipt_no.strip()]
        return v.render(request, "search.html", t, receipt_no=receipt_no, hits=hits, searched=bool(receipt_no))

    @app.get("/{code}/kikan/records/{rid}", response_class=HTMLResponse)
    def detail(request: Request, code: str, rid: int, saved: int = 0) -> HTMLResponse:
        t, _ = v.guard(request, code)
        if not 1 <= rid <= len(t.records):
            raise HTTPException(404, "登録がありません")
        return v.render(request, "detail.html", t, r=t.records[rid - 1], saved=saved)


def _form_routes(app: FastAPI, v: _Views) -> None:
    @app.get("/{code}/kikan/new/{page}", response_class=HTMLResponse)
    def new_form(request: Request, code: str, page: int) -> Response:
        t, s = v.guard(request, code)
        if page == 1:
            s.draft = {}
        elif page not in (2, 3) or f"page{page - 1}" not in s.draft:
            return RedirectResponse(f"/{code}/kikan/new/1", status_code=303)
        return v.render(request, f"new{page}.html", t, d=s.draft, errors=[])

    @app.post("/{code}/kikan/new/{page}", response_class=HTMLResponse)
    async def new_submit(request: Request, code: str, page: int) -> Response:
        t, s = v.guard(request, code)
        form = await request.form()
        if page == 3:
            return _register(v, request, t, s)
        if page not in (1, 2) or (page == 2 and "page1" not in s.draft):
            return RedirectResponse(f"/{code}/kikan/new/1", status_code=303)
        values = {k: ((x.filename or "") if isinstance(x, UploadFile) else str(x).strip()) for k, x in form.multi_items()}
        values["public_servant"] = "はい" if "public_servant" in form else "いいえ"
        if page == 1:
            values.pop("public_servant")
            rel = values.get("relationship", "")
            values["relationship"] = RELATIONSHIPS[int(rel) - 1] if rel.isdigit() and 1 <= int(rel) <= len(RELATIONSHIPS) else rel
        errors = validate_page(page, values)
        if errors:
            return v.render(request, f"new{page}.html", t, 422, d=s.draft | values, errors=errors)
        s.draft |= values | {f"page{page}": True}
        return RedirectResponse(f"/{code}/kikan/new/{page + 1}", status_code=303)


def _register(v: _Views, request: Request, t: IntakeTenant, s: _Session) -> Response:
    """Save the draft as a record, unless the same applicant is already registered under another 受付番号."""
    if "page2" not in s.draft:
        return RedirectResponse(f"/{t.code}/kikan/new/1", status_code=303)
    d = {k: x for k, x in s.draft.items() if not k.startswith("page")}
    same = [r for r in t.records if r["applicant_name"] == d["applicant_name"]
            and r["applicant_birth"] == d["applicant_birth"] and r["receipt_no"] != d["receipt_no"]]
    if same:
        msg = f"同一の申請者（氏名・生年月日）が既に登録されています（管理番号 {same[0]['management_no']}）。"
        return v.render(request, "new3.html", t, 409, d=s.draft, errors=[msg])
    rec = v.state.add_record(t, d)
    s.draft = {}
    return RedirectResponse(f"/{t.code}/kikan/records/{rec['id']}?saved=1", status_code=303)

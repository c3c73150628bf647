"""A demo shared 電子申請 (e-application) portal: the web system the browser robot drives.

It imitates what municipalities really use: one login per municipality, a paginated list
of received applications per procedure, a detail page, and a CSV export in CP932 or
UTF-8-with-BOM with CRLF line ends, quoted fields with line breaks and Japanese headers.
"""

from __future__ import annotations

import csv
import hmac
import io
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from kyodo.runner.demo.portal.data import PROCEDURES, Application, applications_for

PAGE_SIZE = 20
HEADERS = {
    "standard": ("受付番号", "受付日時", "手続名", "申請者氏名", "住所", "電話番号", "状態", "備考"),
    # An older version of the same product some towns still run: other names for the same columns.
    "v2": ("受付番号", "受付日時", "手続き名称", "申請者名", "住所", "電話番号", "ステータス", "備考"),
}


@dataclass
class Tenant:
    """One municipality's account on the shared portal."""

    code: str
    name: str
    user: str
    password: str
    encoding: Literal["cp932", "utf-8-sig"] = "cp932"
    header_style: Literal["standard", "v2"] = "standard"
    _apps: list[Application] = field(default_factory=list, repr=False)

    def apps(self) -> list[Application]:
        if not self._apps:
            self._apps = applications_for(self.code, self.name)
        return self._apps


def _filter(apps: list[Application], procedure: str, date_from: str, date_to: str) -> list[Application]:
    out = apps
    if procedure:
        out = [a for a in out if a.procedure == procedure]
    if date_from:
        d = date.fromisoformat(date_from)
        out = [a for a in out if a.received_at.date() >= d]
    if date_to:
        d = date.fromisoformat(date_to)
        out = [a for a in out if a.received_at.date() <= d]
    return out


def export_csv(tenant: Tenant, apps: list[Application]) -> bytes:
    """The CSV bytes exactly as the portal sends them (encoding, CRLF, quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(HEADERS[tenant.header_style])
    for a in apps:
        ts = f"{a.received_at:%Y/%m/%d} {a.received_at.hour}:{a.received_at:%M:%S}"
        w.writerow([a.receipt_no, ts, a.procedure, a.name, a.address, a.phone, a.status, a.note])
    return buf.getvalue().encode(tenant.encoding, errors="replace")


def create_app(tenants: list[Tenant], *, session_secret: str | None = None) -> FastAPI:
    """The portal for ``tenants`` (one URL prefix per municipality code)."""
    app = FastAPI(title="電子申請サービス（デモ）", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or secrets.token_hex(16), same_site="lax")
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    by_code = {t.code: t for t in tenants}

    def tenant_of(code: str) -> Tenant:
        t = by_code.get(code)
        if t is None:
            raise HTTPException(404, "自治体が見つかりません")
        return t

    def require_login(request: Request, t: Tenant) -> None:
        if request.session.get("tenant") != t.code:
            raise HTTPException(303, headers={"Location": f"/{t.code}/login"})

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "index.html", {"tenants": tenants})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/{code}/login", response_class=HTMLResponse)
    def login_form(request: Request, code: str) -> HTMLResponse:
        return templates.TemplateResponse(request, "login.html", {"t": tenant_of(code), "error": None})

    @app.post("/{code}/login", response_class=HTMLResponse)
    def login(request: Request, code: str, user: str = Form(""), password: str = Form("")) -> Response:
        t = tenant_of(code)
        ok = hmac.compare_digest(user, t.user) & hmac.compare_digest(password.encode(), t.password.encode())
        if not ok:
            return templates.TemplateResponse(
                request, "login.html", {"t": t, "error": "IDまたはパスワードが違います。"}, status_code=401)
        request.session["tenant"] = t.code
        return RedirectResponse(f"/{t.code}/applications", status_code=303)

    @app.get("/{code}/logout")
    def logout(request: Request, code: str) -> Response:
        request.session.clear()
        return RedirectResponse(f"/{code}/login", status_code=303)

    @app.get("/{code}/applications", response_class=HTMLResponse)
    def listing(request: Request, code: str, procedure: str = "", page: int = 1,
                date_from: str = "", date_to: str = "") -> HTMLResponse:
        t = tenant_of(code)
        require_login(request, t)
        rows = _filter(t.apps(), procedure, date_from, date_to)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        page = min(max(1, page), pages)
        q = f"procedure={quote(procedure)}&date_from={date_from}&date_to={date_to}"
        return templates.TemplateResponse(request, "list.html", {
            "t": t, "rows": rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "total": len(rows), "page": page,
            "pages": pages, "procedure": procedure, "procedures": PROCEDURES, "date_from": date_from,
            "date_to": date_to, "q": q, "headers": HEADERS[t.header_style]})

    @app.get("/{code}/applications/{receipt_no}", response_class=HTMLResponse)
    def detail(request: Request, code: str, receipt_no: str) -> HTMLResponse:
        t = tenant_of(code)
        require_login(request, t)
        app_ = next((a for a in t.apps() if a.receipt_no == receipt_no), None)
        if app_ is None:
            raise HTTPException(404, "申請が見つかりません")
        return templates.TemplateResponse(request, "detail.html", {"t": t, "a": app_, "headers": HEADERS[t.header_style]})

    @app.get("/{code}/export")
    def export(request: Request, code: str, procedure: str = "", date_from: str = "", date_to: str = "") -> Response:
        t = tenant_of(code)
        require_login(request, t)
        body = export_csv(t, _filter(t.apps(), procedure, date_from, date_to))
        fname = f"applications_{t.code}.csv"
        return Response(body, media_type=f"text/csv; charset={'shift_jis' if t.encoding == 'cp932' else 'utf-8'}",
                        headers={"Content-Disposition": f"attachment; filename={fname}"})

    return app

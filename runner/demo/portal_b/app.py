"""Demo product B (e-Shinsei クラウド): the same kind of portal as product A, built differently on every axis.

URL scheme ``/e-shinsei/<code>/…``; login fields ``loginId``/``passwd`` with a CSRF token; the list is
paged only by a 次へ link carrying an opaque cursor; export is a form POST (CSRF again) whose date
fields must be ``yyyy/mm/dd`` (anything else: the form comes back with 「受付日は yyyy/mm/dd の形式で
入力してください。」); the CSV is CP932, every field quoted, line breaks inside notes, half-width
katakana readings, full-width digits in phone numbers, 和暦 times (``R8.4.1 09:30``) and its own
status words. Tenants with ``export=False`` run the lite edition: no export at all, the procedure
is chosen by a URL parameter and the list shows every standard column.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from kyodo.runner.demo.portal.data import Application, applications_for
from kyodo.runner.demo.portal_b.data import PROCEDURE_CODES, row_b

PAGE_SIZE = 25
CSV_COLUMNS = ("申込番号", "申込日時", "手続名称", "申込者氏名", "申込者カナ", "住所", "電話番号", "処理状況", "備考")
LIST_COLUMNS = ("申込番号", "申込日時", "手続名称", "申込者氏名", "処理状況")
DATE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}$")
DATE_ERROR = "受付日は yyyy/mm/dd の形式で入力してください。"


@dataclass
class TenantB:
    """One municipality's account on product B."""

    code: str
    name: str
    user: str
    password: str
    export: bool = True
    _apps: list[Application] = field(default_factory=list, repr=False)

    def apps(self) -> list[Application]:
        if not self._apps:
            self._apps = applications_for(self.code, self.name)
        return self._apps


def select(apps: list[Application], code: str = "", start: date | None = None, end: date | None = None) -> list[Application]:
    """Applications of procedure ``code`` (T01…) received between ``start`` and ``end``."""
    names = {v: k for k, v in PROCEDURE_CODES.items()}
    out = [a for a in apps if not code or a.procedure == names.get(code)]
    return [a for a in out if (start is None or a.received_at.date() >= start) and (end is None or a.received_at.date() <= end)]


def export_csv_b(apps: list[Application]) -> bytes:
    """Product B's CSV: CP932, CRLF, every field quoted."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    w.writerow(CSV_COLUMNS)
    for a in apps:
        row = row_b(a)
        w.writerow([row[c] for c in CSV_COLUMNS])
    return buf.getvalue().encode("cp932")


class _Site:
    """What every page of product B shares: the tenants, the templates, the session's CSRF token and login."""

    def __init__(self, tenants: list[TenantB]) -> None:
        self.by_code = {t.code: t for t in tenants}
        self.tpl = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

    def tenant(self, code: str) -> TenantB:
        if code not in self.by_code:
            raise HTTPException(404, "団体が見つかりません")
        return self.by_code[code]

    @staticmethod
    def csrf(request: Request) -> str:
        request.session.setdefault("csrf", secrets.token_urlsafe(16))
        return str(request.session["csrf"])

    @staticmethod
    def check_csrf(request: Request, token: str) -> None:
        if not hmac.compare_digest(token, request.session.get("csrf", "")):
            raise HTTPException(403, "不正な画面遷移です（CSRFトークン不一致）")

    def signed_in(self, request: Request, code: str) -> TenantB:
        t = self.tenant(code)
        if request.session.get("org") != t.code:
            raise HTTPException(303, headers={"Location": f"/e-shinsei/{t.code}/auth/signin"})
        return t

    def page(self, request: Request, name: str, t: TenantB, status: int = 200, **extra: object) -> HTMLResponse:
        return self.tpl.TemplateResponse(request, name, {"t": t, "csrf": self.csrf(request), **extra}, status_code=status)


def _auth_routes(site: _Site) -> APIRouter:
    """Sign in (with a CSRF token), sign out, and the menu."""
    r = APIRouter(prefix="/e-shinsei/{code}")

    @r.get("/auth/signin", response_class=HTMLResponse)
    def signin_form(request: Request, code: str) -> HTMLResponse:
        return site.page(request, "signin.html", site.tenant(code), error=None)

    @r.post("/auth/signin", response_class=HTMLResponse)
    def signin(request: Request, code: str, loginId: str = Form(""), passwd: str = Form(""), csrf_token: str = Form("", alias="_csrf")) -> Response:
        t = site.tenant(code)
        site.check_csrf(request, csrf_token)
        if not (hmac.compare_digest(loginId, t.user) & hmac.compare_digest(passwd.encode(), t.password.encode())):
            return site.page(request, "signin.html", t, 401, error="ログインIDまたはパスワードに誤りがあります。")
        request.session["org"] = t.code
        return RedirectResponse(f"/e-shinsei/{t.code}/menu", status_code=303)

    @r.get("/auth/signout")
    def signout(request: Request, code: str) -> Response:
        request.session.clear()
        return RedirectResponse(f"/e-shinsei/{code}/auth/signin", status_code=303)

    @r.get("/menu", response_class=HTMLResponse)
    def menu(request: Request, code: str) -> HTMLResponse:
        return site.page(request, "menu.html", site.signed_in(request, code), procedures=PROCEDURE_CODES)

    return r


def _application_routes(site: _Site) -> APIRouter:
    """The list, paged only by an opaque 次へ link, and the CSV export by a form POST with date fields."""
    r = APIRouter(prefix="/e-shinsei/{code}/shinsei")

    @r.get("/ichiran", response_class=HTMLResponse)
    def ichiran(request: Request, code: str, tetsuzuki: str = "", c: str = "") -> HTMLResponse:
        t = site.signed_in(request, code)
        cursors = request.session.setdefault("cursors", {})
        offset = cursors.get(c, 0) if c else 0
        rows = select(t.apps(), tetsuzuki)
        shown = [row_b(a) for a in rows[offset: offset + PAGE_SIZE]]
        nxt = None
        if offset + PAGE_SIZE < len(rows):
            nxt = secrets.token_urlsafe(6)  # opaque: the only way to the next page is the 次へ link
            cursors[nxt] = offset + PAGE_SIZE
            request.session["cursors"] = cursors
        return site.page(request, "ichiran.html", t, rows=shown, columns=LIST_COLUMNS, total=len(rows), tetsuzuki=tetsuzuki,
                         next=nxt)

    def exporting(request: Request, code: str) -> TenantB:
        t = site.signed_in(request, code)
        if not t.export:
            raise HTTPException(404, "この契約ではCSV出力は使えません")
        return t

    @r.get("/csv", response_class=HTMLResponse)
    def csv_form(request: Request, code: str) -> HTMLResponse:
        return site.page(request, "csv.html", exporting(request, code), procedures=PROCEDURE_CODES, error=None, form={})

    @r.post("/csv")
    def csv_download(request: Request, code: str, csrf_token: str = Form("", alias="_csrf"), tetsuzukiCd: str = Form(""),
                     uketsukeFrom: str = Form(""), uketsukeTo: str = Form("")) -> Response:
        t = exporting(request, code)
        site.check_csrf(request, csrf_token)
        form = {"tetsuzukiCd": tetsuzukiCd, "uketsukeFrom": uketsukeFrom, "uketsukeTo": uketsukeTo}
        if any(v and not DATE_RE.match(v) for v in (uketsukeFrom, uketsukeTo)):
            return site.page(request, "csv.html", t, 400, procedures=PROCEDURE_CODES, error=DATE_ERROR, form=form)
        day = (lambda v: date(*map(int, v.split("/"))) if v else None)
        body = export_csv_b(select(t.apps(), tetsuzukiCd, day(uketsukeFrom), day(uketsukeTo)))
        return Response(body, media_type="text/csv; charset=Shift_JIS",
                        headers={"Content-Disposition": f"attachment; filename=shinsei_{t.code}.csv"})

    return r


def create_app_b(tenants: list[TenantB], *, session_secret: str | None = None) -> FastAPI:
    """Product B for ``tenants``."""
    app = FastAPI(title="e-Shinsei クラウド（デモ）", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or secrets.token_hex(16), same_site="lax",
                       session_cookie="eshinsei")
    site = _Site(tenants)
    app.include_router(_auth_routes(site))
    app.include_router(_application_routes(site))
    return app

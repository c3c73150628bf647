"""The staff dashboard: run history, step logs, failure screenshots, artifacts, schedule, effect.

Server-rendered Japanese pages (Jinja2, no JavaScript framework). Access control: staff log in;
a municipality's staff see only their municipality's runs and artifacts, prefecture staff see
everything. Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind HTTPS), every
POST form carries a CSRF token, and file downloads are confined to the run's own folder.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from robots.privacy import mask_text
from runner.dashboard.users import Staff, authenticate, get_staff
from runner.registry import Registry
from runner.settings import Settings
from runner.store import RunFilter, RunStore

JST = ZoneInfo("Asia/Tokyo")
STATUS_JA = {"succeeded": "成功", "partial": "一部エラー", "failed": "失敗", "running": "実行中", "queued": "待機中",
             "interrupted": "中断", "skipped": "スキップ", "not_submitted": "未投入"}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def create_app(store: RunStore, registry: Registry, settings: Settings, *, session_secret: str | None = None,
               https_only: bool = False) -> FastAPI:
    app = FastAPI(title="kyodo ダッシュボード", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or secrets.token_hex(32), same_site="lax",
                       https_only=https_only, session_cookie="kyodo_session", max_age=8 * 3600)
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    templates.env.filters["jst"] = lambda d: d.astimezone(JST).strftime("%Y-%m-%d %H:%M") if d else ""
    templates.env.filters["mask"] = mask_text
    names = {m.code: m.name for m in [registry.prefecture, *registry.municipalities]}

    def staff(request: Request) -> Staff:
        user = request.session.get("user")
        s = get_staff(store, user) if user else None
        if s is None:
            raise _Redirect("/login")
        return s

    def csrf_token(request: Request) -> str:
        tok = request.session.get("csrf")
        if not tok:
            tok = request.session["csrf"] = secrets.token_urlsafe(32)
        return tok

    def check_csrf(request: Request, token: str) -> None:
        if not token or not hmac.compare_digest(token, request.session.get("csrf", "")):
            raise HTTPException(403, "フォームの有効期限が切れました。画面を開き直してください。")

    def page(request: Request, name: str, who: Staff | None, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"me": who, "csrf": csrf_token(request), "names": names,
                                                          "status_ja": STATUS_JA, **ctx})

    def visible_codes(who: Staff) -> list[str] | None:
        return None if who.is_prefecture else [who.municipality]

    def run_for(who: Staff, run_id: str) -> Any:
        run = store.get_run(run_id)
        if run is None or not who.can_see(run.municipality):
            raise HTTPException(404, "実行が見つかりません。")  # same answer: no probing other towns' IDs
        return run

    @app.exception_handler(_Redirect)
    async def _redirect(_: Request, exc: _Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", None, error=None)

    @app.post("/login", response_class=HTMLResponse)
    def login(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        who = authenticate(store, username, password)
        _audit(username or "?", "dashboard.login", "dashboard", "成功" if who else "失敗")
        if who is None:
            return templates.TemplateResponse(request, "login.html", {"me": None, "csrf": csrf_token(request),
                                              "error": "ユーザー名またはパスワードが違います。"}, status_code=401)
        request.session.clear()
        request.session["user"] = who.username
        request.session["csrf"] = secrets.token_urlsafe(32)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def runs(request: Request, municipality: str = "", scenario: str = "", status: str = "", since: str = "") -> HTMLResponse:
        who = staff(request)
        codes = visible_codes(who)
        if municipality:
            codes = [municipality] if who.can_see(municipality) else []
        f = RunFilter(municipality=codes, scenario=scenario or None, status=status or None, limit=200,
                      since=date.fromisoformat(since) if since else None)
        rows = store.list_runs(f) if codes != [] else []
        towns = [(c, n) for c, n in names.items() if who.can_see(c)]
        return page(request, "runs.html", who, runs=rows, towns=towns, q={"municipality": municipality, "scenario": scenario,
                                                                          "status": status, "since": since})

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_detail(request: Request, run_id: str) -> HTMLResponse:
        who = staff(request)
        run = run_for(who, run_id)
        shots = [a for a in run.artifacts if a.path.endswith(".png") and a.path.startswith("failure")]
        return page(request, "run.html", who, run=run, shots=shots)

    @app.get("/runs/{run_id}/files/{path:path}")
    def artifact(request: Request, run_id: str, path: str) -> Response:
        who = staff(request)
        run = run_for(who, run_id)
        base = Path(run.artifact_dir).resolve()
        target = (base / path).resolve()
        known = {a.path for a in run.artifacts}
        if base not in target.parents or path not in known or not target.is_file():
            raise HTTPException(404, "ファイルが見つかりません。")
        _audit(who.username, "artifact.download", f"{run.id}/{path}", run.municipality)
        if target.suffix == ".enc":
            from runner.artifacts import decrypt_bytes

            name = target.name.removesuffix(".enc")
            return Response(decrypt_bytes(target.read_bytes()), media_type="application/octet-stream",
                            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
        inline = target.suffix == ".png"
        return FileResponse(target, filename=target.name, content_disposition_type="inline" if inline else "attachment")

    @app.get("/schedule", response_class=HTMLResponse)
    def schedule(request: Request) -> HTMLResponse:
        who = staff(request)
        from runner.scheduler.service import next_fire_times

        rows, problems = next_fire_times(registry)
        rows = [r for r in rows if who.can_see(r.code)]
        return page(request, "schedule.html", who, rows=rows, problems=[p for p in problems if who.can_see(p.code)])

    @app.get("/effect", response_class=HTMLResponse)
    def effect(request: Request, month: str = "") -> HTMLResponse:
        who = staff(request)
        from runner.report.effect import effect_rows, svg_bars

        month = month or datetime.now(JST).strftime("%Y-%m")
        rows = effect_rows(store, month, names, visible_codes(who))
        total = sum(r.hours_saved for r in rows)
        return page(request, "effect.html", who, rows=rows, month=month, total=total, chart=svg_bars(rows))

    @app.get("/effect.xlsx")
    def effect_xlsx(request: Request, month: str = "") -> Response:
        who = staff(request)
        import tempfile

        from runner.report.effect import effect_rows, write_effect_workbook

        month = month or datetime.now(JST).strftime("%Y-%m")
        rows = effect_rows(store, month, names, visible_codes(who))
        tmp = Path(tempfile.mkdtemp()) / f"効果測定_{month}.xlsx"
        write_effect_workbook(rows, month, tmp)
        return FileResponse(tmp, filename=tmp.name)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _audit(actor: str, action: str, target: str, detail: str) -> None:
    """Record a sensitive action in the audit log when the audit module is present."""
    try:
        from runner.audit import record
    except ImportError:
        return
    record(actor, action, target, detail)

"""The staff dashboard: run history, step logs, failure screenshots, artifacts, schedule, effect.

Server-rendered Japanese pages (Jinja2, no JavaScript framework). Access control: staff log in;
a municipality's staff see only their municipality's runs and artifacts, prefecture staff see
everything. Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind HTTPS), every
POST form carries a CSRF token, and file downloads are confined to the run's own folder.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import tempfile
import threading
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from robots.errors import KyodoError
from robots.privacy import mask_text
from runner.audit import record_quietly
from runner.dashboard._throttle import LoginThrottle
from runner.dashboard.users import Staff, authenticate, get_staff
from runner.registry import Registry
from runner.settings import Settings
from runner.store import JST, STATUS_JA, STATUSES, TRIGGER_JA, RunFilter, RunStore, jst
from runner.store.store import db_error, parse_day

log = logging.getLogger("kyodo.dashboard")
RERUNNABLE = ("failed", "partial", "interrupted", "not_submitted")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    "Cache-Control": "no-store",
}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _day(value: str) -> date | None:
    """A date from a form field (2026-10-01, 2026/10/1, 令和8年10月1日 …); an unreadable one is ignored."""
    try:
        return parse_day(value) if value else None
    except ValueError:
        return None


def can_rerun(run: Any, reruns: Sequence[Any]) -> bool:
    """The one rule for the button and the POST: the run did not succeed and no re-run of it is
    under way or has already succeeded (every re-run so far also ended rerunnable)."""
    return run.status in RERUNNABLE and all(r.status in RERUNNABLE for r in reruns)


def create_app(store: RunStore, registry: Registry, settings: Settings, *, session_secret: str | None = None,
               https_only: bool = False) -> FastAPI:
    """The dashboard app. ``https_only`` marks the session cookie ``Secure`` (serve behind HTTPS)."""
    app = FastAPI(title="kyodo ダッシュボード", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=session_secret or secrets.token_hex(32), same_site="lax",
                       https_only=https_only, session_cookie="kyodo_session", max_age=8 * 3600)
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    templates.env.filters["jst"] = lambda d: jst(d, empty="")
    templates.env.filters["mask"] = lambda v: mask_text(str(v)) if v is not None else ""
    names = registry.names()
    throttle = LoginThrottle()

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def current(request: Request) -> Staff | None:
        user = request.session.get("user") if "session" in request.scope else None
        return get_staff(store, user) if user else None

    def staff(request: Request) -> Staff:
        s = current(request)
        if s is None:
            request.session.pop("user", None)
            raise _Redirect("/login")
        return s

    def csrf_token(request: Request) -> str:
        tok = request.session.get("csrf")
        if not tok:
            tok = request.session["csrf"] = secrets.token_urlsafe(32)
        return tok

    def check_csrf(request: Request, token: str) -> None:
        if not token or not hmac.compare_digest(token, request.session.get("csrf", "")):
            raise HTTPException(403, "フォームの有効期限が切れたか、不正な送信です。画面を開き直してからやり直してください。")

    def page(request: Request, name: str, who: Staff | None, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"me": who, "csrf": csrf_token(request), "names": names,
                                                          "status_ja": STATUS_JA, "trigger_ja": TRIGGER_JA, **ctx},
                                          status_code=status_code)

    def visible_codes(who: Staff) -> list[str] | None:
        return None if who.is_prefecture else [who.municipality or ""]

    def run_for(who: Staff, run_id: str) -> Any:
        run = store.get_run(run_id)
        if run is None or not who.can_see(run.municipality):
            raise HTTPException(404, "実行が見つかりません。")  # same answer: no probing other towns' IDs
        return run

    def reruns_of(run: Any) -> list[Any]:
        """Every re-run started from ``run``, newest first."""
        return store.list_runs(RunFilter(rerun_of=run.id, limit=10_000))

    @app.exception_handler(_Redirect)
    async def _redirect(_: Request, exc: _Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else "ページが見つかりません。"
        return page(request, "error.html", current(request), status_code=exc.status_code, message=detail, hint=None)

    @app.exception_handler(KyodoError)
    async def _kyodo_error(request: Request, exc: KyodoError) -> Response:
        code = 400 if exc.kind == "business" else 503  # bad input vs. database busy/unreachable
        who = current(request) if code == 400 else None  # a busy database cannot be asked who is logged in
        hint = " ".join(x for x in (exc.hint, f"（{exc.where}）" if exc.where and code == 503 else "") if x)
        return page(request, "error.html", who, status_code=code, message=mask_text(exc.message), hint=mask_text(hint))

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> Response:
        # locked or unreachable: say so, name the database, never a traceback
        return await _kyodo_error(request, db_error(store.url, exc))

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", None, error=None)

    @app.post("/login", response_class=HTMLResponse)
    def login(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        username = username.strip()[:100]
        if throttle.blocked(username):
            record_quietly(username or "?", "dashboard.login", "dashboard", "拒否（試行回数超過）")
            return page(request, "login.html", None, status_code=429,
                        error="ログインの失敗が続いたため、しばらくログインできません。15分ほどしてからやり直してください。")
        who = authenticate(store, username, password)
        record_quietly(username or "?", "dashboard.login", "dashboard", "成功" if who else "失敗")
        if who is None:
            throttle.failed(username)
            return page(request, "login.html", None, status_code=401, error="ユーザー名またはパスワードが違います。")
        throttle.reset(username)
        request.session.clear()  # a fresh session: no fixation of a pre-login cookie
        request.session["user"] = who.username
        request.session["csrf"] = secrets.token_urlsafe(32)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse)
    def runs(request: Request, municipality: str = "", scenario: str = "", status: str = "", since: str = "",
             until: str = "") -> HTMLResponse:
        who = staff(request)
        codes = visible_codes(who)
        if municipality:
            codes = [municipality] if who.can_see(municipality) else []
        f = RunFilter(municipality=codes, scenario=scenario or None, status=status if status in STATUSES else None,
                      limit=200, since=_day(since), until=_day(until))
        rows = store.list_runs(f) if codes != [] else []
        overview = store.summary(RunFilter(municipality=codes, since=_day(since), until=_day(until))) if codes != [] else []
        towns = [(c, n) for c, n in names.items() if who.can_see(c)]
        scenarios = sorted({r["scenario"] for r in overview} | _scenario_names())
        q = {"municipality": municipality, "scenario": scenario, "status": status, "since": since, "until": until}
        return page(request, "runs.html", who, runs=rows, overview=overview, towns=towns, scenarios=scenarios, q=q)

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_detail(request: Request, run_id: str) -> HTMLResponse:
        who = staff(request)
        run = run_for(who, run_id)
        shots = [a for a in run.artifacts if a.kind == "screenshot"]  # failure-*.png, see RunStore.record_artifacts
        reruns = reruns_of(run)
        started = request.session.pop("flash", None) if request.session.get("flash_run") == run.id else None
        return page(request, "run.html", who, run=run, shots=shots, reruns=reruns, flash=started,
                    can_rerun=can_rerun(run, reruns))

    @app.post("/runs/{run_id}/rerun")
    def rerun(request: Request, run_id: str, csrf: str = Form("")) -> Response:
        """Repeat a failed, partial or interrupted run with the same parameters and logical date."""
        check_csrf(request, csrf)
        who = staff(request)
        run = run_for(who, run_id)
        if run.status not in RERUNNABLE:
            raise HTTPException(409, f"この実行は「{STATUS_JA.get(run.status, run.status)}」のため再実行できません。")
        reruns = reruns_of(run)
        if not can_rerun(run, reruns):
            done = next(r for r in reruns if r.status not in RERUNNABLE)
            if done.status in ("queued", "running"):
                raise HTTPException(409, "この実行の再実行は既に動いています。終わるまでお待ちください。")
            raise HTTPException(409, f"この実行は既に再実行されています（{STATUS_JA.get(done.status, done.status)}）。"
                                     "結果は再実行の画面で確認してください。")
        from runner.plan import rerun_plan

        plan = rerun_plan(run, requested_by=f"dashboard:{who.username}")
        record_quietly(who.username, "run.rerun", f"{run.scenario}/{run.municipality}", f"元の実行={run.id}")
        submit_in_background(plan)
        request.session["flash"] = "再実行を開始しました。しばらくしてからこの画面を更新すると結果が表示されます。"
        request.session["flash_run"] = run.id
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    def submit_in_background(plan: Any) -> None:
        """Hand the run to the configured executor without holding the page (a local run takes minutes)."""
        from runner.executors import get_executor

        def work() -> None:
            from robots.browser import shutdown

            try:
                get_executor(registry, store, settings).submit([plan])
            except Exception:  # noqa: BLE001 - the run record shows the outcome; this is for operators
                log.exception("再実行の投入に失敗しました")
            finally:
                shutdown()  # Playwright's browser belongs to this thread; close it before the thread ends

        threading.Thread(target=work, name=f"rerun-{plan.rerun_of}", daemon=True).start()

    @app.get("/runs/{run_id}/files/{path:path}")
    def artifact(request: Request, run_id: str, path: str) -> Response:
        who = staff(request)
        run = run_for(who, run_id)
        known = {a.path for a in run.artifacts}
        if path not in known or not run.artifact_dir:
            raise HTTPException(404, "ファイルが見つかりません。")
        base = Path(run.artifact_dir).resolve()
        target = (base / path).resolve()
        if base not in target.parents or not target.is_file():  # symlinks and ../ cannot leave the run's folder
            raise HTTPException(404, "ファイルが見つかりません。")
        record_quietly(who.username, "artifact.download", f"{run.id}/{path}", run.municipality)
        if target.suffix == ".enc":
            from runner.artifacts import decrypt_bytes

            name = target.name.removesuffix(".enc")
            return Response(decrypt_bytes(target.read_bytes()), media_type="application/octet-stream",
                            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
        inline = target.suffix.lower() == ".png"
        return FileResponse(target, filename=target.name, content_disposition_type="inline" if inline else "attachment",
                            media_type="image/png" if inline else None)

    @app.get("/schedule", response_class=HTMLResponse)
    def schedule(request: Request) -> HTMLResponse:
        who = staff(request)
        rows, problems, unavailable = _schedule(registry)
        rows = [r for r in rows if who.can_see(r.code)]
        problems = [p for p in problems if who.can_see(p.code)]
        return page(request, "schedule.html", who, rows=rows, problems=problems, unavailable=unavailable)

    @app.get("/effect", response_class=HTMLResponse)
    def effect(request: Request, month: str = "") -> HTMLResponse:
        who = staff(request)
        from runner.report.effect import effect_rows, month_range, svg_bars

        month = month or datetime.now(JST).strftime("%Y-%m")
        month = month_range(month)[0].strftime("%Y-%m")  # validated and normalised (全角, 2026/10)
        rows = effect_rows(store, month, names, visible_codes(who))
        return page(request, "effect.html", who, rows=rows, month=month, total=sum(r.minutes for r in rows) / 60,
                    items=sum(r.items for r in rows), chart=svg_bars(rows))

    @app.get("/effect.xlsx")
    def effect_xlsx(request: Request, month: str = "") -> Response:
        who = staff(request)
        from runner.report.effect import effect_rows, month_range, write_effect_workbook

        month = month_range(month or datetime.now(JST).strftime("%Y-%m"))[0].strftime("%Y-%m")
        rows = effect_rows(store, month, names, visible_codes(who))
        with tempfile.TemporaryDirectory(prefix="kyodo-effect-") as tmp:
            data = write_effect_workbook(rows, month, Path(tmp) / "effect.xlsx").read_bytes()
        name = f"効果測定_{month}.xlsx"
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _scenario_names() -> set[str]:
    try:
        from runner.scenario.loader import available_scenarios

        return set(available_scenarios())
    except Exception:  # a broken scenario folder must not take the history page down
        return set()


def _schedule(registry: Registry) -> tuple[list[Any], list[Any], str | None]:
    """Next fire times from the scheduler module; the page still works when it is missing or fails."""
    try:
        from runner.scheduler.service import next_fire_times
    except ImportError:
        return [], [], "スケジューラが組み込まれていないため、実行予定を表示できません。"
    try:
        rows, problems = next_fire_times(registry)  # checked against the scenarios available now
    except Exception as exc:  # noqa: BLE001 - shown to staff, logged for operators
        log.warning("実行予定の計算に失敗しました", exc_info=True)
        return [], [], f"実行予定を計算できませんでした: {mask_text(str(exc))}"
    return rows, problems, None


"""The residents' FAQ web: a JSON API and a smartphone-first chat page, one URL per municipality.

Every text a resident typed is escaped (Jinja2 autoescape on the page, ``textContent`` in the
script); pages carry a nonce CSP and X-Frame-Options; bodies over 8 KB are refused while they
stream in (chunked bodies too); the rate limit keys on the client address, trusting
X-Forwarded-For only from configured proxies; a question log that cannot be written never
keeps an answer from the resident; odd input gets a reply, never a 500.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kyodo.core.errors import KyodoError
from kyodo.core.settings import load_settings
from kyodo.faq_bot.answer import Kind, reply
from kyodo.faq_bot.data import CREDIT
from kyodo.faq_bot.messages import Lang
from kyodo.faq_bot.page_texts import page_texts
from kyodo.faq_bot.privacy import mask_question
from kyodo.faq_bot.questionlog import QuestionStore
from kyodo.faq_bot.service import FaqService

MAX_BODY = 8 * 1024
RATE_PER_MINUTE = 30
TOO_LARGE = "送信された内容が大きすぎます。質問は500文字以内でお願いします。"
log = logging.getLogger("kyodo.faq")


class Ask(BaseModel):
    question: str = Field("", max_length=10_000)
    lang: str | None = Field(None, max_length=8)


class Feedback(BaseModel):
    log_id: int | None = None
    token: str | None = Field(None, max_length=4000)
    helpful: bool


class _RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute, self.lock = per_minute, threading.Lock()
        self.hits: defaultdict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            q = self.hits[key]
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= self.per_minute:
                return False
            q.append(now)
            return True


class BodyLimit:
    """ASGI middleware: refuse a request body over ``limit`` bytes as it streams in."""

    def __init__(self, app: Any, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            return await _error(413, TOO_LARGE)(scope, receive, send)
        seen, exceeded, started = 0, False, False

        async def limited_receive() -> dict:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if exceeded:  # whatever the app answers to the cut-off body, the resident gets the 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _error(413, TOO_LARGE)(scope, receive, send)


class _TooLarge(Exception):
    pass


def client_address(request: Request, trusted: list[Any]) -> str:
    """The resident's address: X-Forwarded-For is believed only when the peer is a trusted proxy."""
    peer = request.client.host if request.client else "?"
    if not trusted or not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            return hop
    return peer


def _in(addr: str, nets: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def _proxies(value: str | list[str] | None) -> list[Any]:
    raw = value if isinstance(value, list) else (value or load_settings().faq_trusted_proxies).split(",")
    return [ipaddress.ip_network(v.strip(), strict=False) for v in raw if v.strip()]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _security_headers(response: Any, nonce: str | None = None) -> None:
    script = f"'nonce-{nonce}'" if nonce else "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {script}; style-src {script}; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"


def server_config(app: Any, host: str, port: int) -> Any:
    """uvicorn settings for ``kyodo faq serve``: uvicorn's own proxy-header handling is off (by
    default it believes X-Forwarded-For from loopback), ``client_address`` decides instead."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)


def _install_error_handlers(app: FastAPI) -> None:
    """Residents always get a JSON message in Japanese, never a bare error page."""

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, __: RequestValidationError) -> JSONResponse:
        return _error(422, "送信内容の形式が正しくありません。")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "ページが見つかりません。" if exc.status_code == 404 else "リクエストを処理できませんでした。")

    @app.exception_handler(KyodoError)
    async def kyodo_error(_: Request, exc: KyodoError) -> JSONResponse:
        return _error(404 if "登録されていません" in exc.message or "検査数字" in exc.message else 400, exc.message)

    @app.exception_handler(Exception)
    async def crash(_: Request, __: Exception) -> JSONResponse:  # never a bare 500 page for residents
        return _error(500, "ただいま回答できません。時間をおいてお試しください。")


def create_app(service: FaqService, store: QuestionStore | None = None, rate_per_minute: int = RATE_PER_MINUTE,
               trusted_proxies: str | list[str] | None = None, warm: bool | list[str] = False) -> FastAPI:
    store = store or QuestionStore()
    limiter = _RateLimiter(rate_per_minute)
    proxies = _proxies(trusted_proxies)
    given = load_settings().faq_secret
    signer = URLSafeSerializer(given.get_secret_value() if given else secrets.token_hex(32), salt="faq-feedback")
    app = FastAPI(title="FAQチャットボット", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    if isinstance(warm, list):  # these towns now, before the app is returned
        service.warm(warm)
    elif warm:  # every town in the background: the server listens at once
        service.warm_in_background()

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        _security_headers(response, getattr(request.state, "nonce", None))
        return response

    _install_error_handlers(app)

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        request.state.nonce = secrets.token_urlsafe(16)
        lang = request.query_params.get("lang", "ja")
        lang = lang if lang in {x.value for x in Lang} else "ja"
        return templates.TemplateResponse(request, name, {**context, "nonce": request.state.nonce, "credit": CREDIT,
                                                          "lang": lang, "t": page_texts(Lang(lang))}, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return page(request, "index.html", {"munis": service.municipalities()})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/m/{code}", response_class=HTMLResponse)
    def chat(request: Request, code: str) -> HTMLResponse:
        try:
            m = service.registry.get(code)
        except KyodoError:
            return page(request, "unknown.html", {"code": code[:20], "munis": service.municipalities()}, 404)
        return page(request, "chat.html", {"m": m, "office": service.directory(m.code).general})

    @app.post("/api/{code}/ask")
    def ask(request: Request, code: str, body: Ask) -> JSONResponse:
        m = service.registry.get(code)
        if not limiter.allow(f"{client_address(request, proxies)}:{m.code}"):
            return _error(429, "短い時間に多くの質問が送られました。少し待ってからお試しください。")
        r = reply(service.retriever(m.code), body.question, service.directory(m.code), body.lang)
        out: dict[str, Any] = {**r.as_dict(), "log_id": None, "feedback_token": None}
        if r.kind == Kind.NOT_SURE.value:
            out["log_id"] = _store(lambda: store.add(m.code, body.question, r.kind, r.suggestions[0]["id"] if r.suggestions else None, r.confidence))
        elif r.kind == Kind.ANSWER.value:
            if r.answer is None:  # reply() always attaches the entry to an answer
                raise RuntimeError("an answer reply without its FAQ entry")
            out["feedback_token"] = signer.dumps({"m": m.code, "q": mask_question(body.question)[:500], "t": r.answer["id"], "c": r.confidence})
        return JSONResponse(out)

    @app.post("/api/{code}/feedback")
    def feedback(code: str, body: Feedback) -> JSONResponse:
        m = service.registry.get(code)
        thanks = JSONResponse({"ok": True, "message": "ご協力ありがとうございます。"})
        if body.token:
            try:
                d = signer.loads(body.token)
            except BadSignature:
                return _error(404, "対象の質問が見つかりません。")
            if d.get("m") != m.code:
                return _error(404, "対象の質問が見つかりません。")
            if not body.helpful:  # only 👎 answers are kept, to improve the FAQ
                _store(lambda: store.add(m.code, d["q"], Kind.ANSWER.value, d["t"], float(d["c"]), helpful=False))
            return thanks
        if body.log_id is None or not _store(lambda: store.feedback(body.log_id, m.code, body.helpful)):
            return _error(404, "対象の質問が見つかりません。")
        return thanks

    app.add_middleware(BodyLimit)
    return app


def _store(action: Any) -> Any:
    """Run a question-log write; a locked or read-only log is reported to staff, not to the resident."""
    try:
        return action()
    except (SQLAlchemyError, OSError) as exc:
        log.warning("FAQの質問ログを書き込めませんでした（%s）。回答はそのまま返しました。", type(exc).__name__)
        return None

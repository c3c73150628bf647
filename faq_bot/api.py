"""The residents' FAQ web: a JSON API and a smartphone-first chat page, one URL per municipality.

Every text a resident typed is escaped (Jinja2 autoescape on the page, ``textContent`` in the
script); bodies over 8 KB and more than ``RATE_PER_MINUTE`` questions a minute from one client
are refused politely; odd input gets a reply, never a 500.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from faq_bot.answer import reply
from faq_bot.data import CREDIT
from faq_bot.questionlog import QuestionStore
from faq_bot.service import FaqService
from robots.errors import KyodoError

MAX_BODY = 8 * 1024
RATE_PER_MINUTE = 30


class Ask(BaseModel):
    question: str = Field("", max_length=10_000)


class Feedback(BaseModel):
    log_id: int
    helpful: bool


class _RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute, self.hits, self.lock = per_minute, defaultdict(deque), threading.Lock()

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


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(service: FaqService | None = None, store: QuestionStore | None = None, rate_per_minute: int = RATE_PER_MINUTE) -> FastAPI:
    service = service or FaqService()
    store = store or QuestionStore()
    limiter = _RateLimiter(rate_per_minute)
    app = FastAPI(title="FAQチャットボット", docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return _error(413, "送信された内容が大きすぎます。質問は500文字以内でお願いします。")
        return await call_next(request)

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

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "index.html", {"munis": service.municipalities(), "credit": CREDIT})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/m/{code}", response_class=HTMLResponse)
    def chat(request: Request, code: str) -> HTMLResponse:
        m = service.registry.get(code)
        office = service.office(m.code)
        return templates.TemplateResponse(request, "chat.html", {"m": m, "office": office, "credit": CREDIT})

    @app.post("/api/{code}/ask")
    def ask(request: Request, code: str, body: Ask) -> JSONResponse:
        m = service.registry.get(code)
        client = request.client.host if request.client else "?"
        if not limiter.allow(f"{client}:{m.code}"):
            return _error(429, "短い時間に多くの質問が送られました。少し待ってからお試しください。")
        r = reply(service.retriever(m.code), body.question, service.office(m.code))
        log_id = None
        if r.kind in ("answer", "not_sure"):
            log_id = store.add(m.code, body.question, r.kind, r.answer["id"] if r.answer else None, r.confidence)
        return JSONResponse({**r.as_dict(), "log_id": log_id})

    @app.post("/api/{code}/feedback")
    def feedback(code: str, body: Feedback) -> JSONResponse:
        m = service.registry.get(code)
        if not store.feedback(body.log_id, m.code, body.helpful):
            return _error(404, "対象の質問が見つかりません。")
        return JSONResponse({"ok": True, "message": "ご協力ありがとうございます。"})

    return app

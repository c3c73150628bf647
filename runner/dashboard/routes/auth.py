"""Login and logout: throttled password checks, a fresh session on login, audited attempts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kyodo.runner.audit import record_quietly
from kyodo.runner.dashboard.deps import csrf_form, end_session, get_dash, page, start_session
from kyodo.runner.dashboard.users import authenticate

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None, error=None)


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_form)])
def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
    dash = get_dash(request)
    username = username.strip()[:100]
    address = request.client.host if request.client else None
    verdict = dash.throttle.check(username, address)
    if verdict.blocked:  # one audit entry per block; the refusals are counted into the next entry
        if verdict.first_refusal:
            record_quietly(username or "?", "dashboard.login", "dashboard",
                           f"拒否（失敗が続いたため {verdict.retry_after} 秒停止。停止中の拒否はまとめて記録） 接続元={address}")
        return page(request, "login.html", None, status_code=429,
                    error=f"ログインの失敗が続いたため、しばらくログインできません。{_wait_ja(verdict.retry_after)}"
                          "ほどしてからやり直してください。")
    who = authenticate(dash.store, username, password)
    refused = dash.throttle.failed(username, address) if who is None else dash.throttle.succeeded(username, address)
    note = f"（直前の停止中に拒否 {refused} 回）" if refused else ""
    record_quietly(username or "?", "dashboard.login", "dashboard", f"{'成功' if who else '失敗'}{note} 接続元={address}")
    if who is None:
        return page(request, "login.html", None, status_code=401, error="ユーザー名またはパスワードが違います。")
    start_session(request, who)
    return RedirectResponse("/", status_code=303)


def _wait_ja(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 60 else f"{-(-seconds // 60)} 分"


@router.post("/logout", dependencies=[Depends(csrf_form)])
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/login", status_code=303)

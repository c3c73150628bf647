"""A third portal product made here, served by the standard scenario with a profile written in YAML only.

The product differs from both demo products: the procedure is chosen by clicking a link, the date
filter wants 和暦 (令和8年7月1日), times are written 「令和8年4月15日（水） 09:30」, the CSV is UTF-8
without BOM with its own column and status words. Nothing but the YAML below is written for it.
"""

from __future__ import annotations

import csv
import io
import random
import textwrap
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from openpyxl import load_workbook
from starlette.middleware.sessions import SessionMiddleware

from kyodo.runner.webserver import serve_in_thread
from tests.profiles.conftest import sheet_rows, summary_of

pytestmark = pytest.mark.browser

FORMS = ("犬の登録申請", "粗大ごみ収集申込", "住民票の写し請求")
STATUS = {"新規": "受付済", "確認中": "審査中", "済": "完了", "要修正": "差戻し"}
WEEK = "月火水木金土日"
ERA_START = 2018  # 令和N年 = 2018 + N


def make_records(n: int = 57) -> list[dict]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        t = datetime(2026, 4, 1, 8) + timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 600))
        out.append({"no": f"C-{i + 1:04d}", "t": t, "form": rng.choice(FORMS), "name": rng.choice(["岡 一", "森 花", "林 直"]),
                    "status": rng.choice(list(STATUS))})
    return out


def wareki_day(d: date) -> str:
    return f"令和{d.year - ERA_START}年{d.month}月{d.day}日"


def parse_wareki_day(text: str) -> date | None:
    import re

    m = re.fullmatch(r"令和(\d+)年(\d+)月(\d+)日", text.strip())
    return date(ERA_START + int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def third_portal(records: list[dict], password: str) -> FastAPI:
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="x" * 32)

    def page(body: str) -> HTMLResponse:
        return HTMLResponse(f"<!doctype html><html lang=ja><body>{body}</body></html>")

    @app.get("/c/signin")
    def signin_form() -> HTMLResponse:
        return page('<form method=post><input id=uid name=uid><input id=pwd name=pwd type=password>'
                    '<button>ログインする</button></form>')

    @app.post("/c/signin")
    def signin(request: Request, uid: str = Form(""), pwd: str = Form("")) -> Response:
        if (uid, pwd) != ("town-c", password):
            return page('<p class="notice-error">認証に失敗しました</p>')
        request.session["ok"] = True
        return RedirectResponse("/c/forms", status_code=303)

    @app.get("/c/forms")
    @app.get("/c/forms/{k}")
    def forms(request: Request, k: int | None = None) -> HTMLResponse:
        links = "".join(f'<li><a href="/c/forms/{i}">{f}</a></li>' for i, f in enumerate(FORMS))
        title = FORMS[k] if k is not None else "すべての申請"
        return page(f'<a href="/c/signout">ログオフ</a><ul>{links}</ul><h1>{title}</h1>'
                    f'<form action="/c/export"><input type=hidden name=k value="{"" if k is None else k}">'
                    '<input id=d1 name=d1 placeholder="令和8年4月1日"><input id=d2 name=d2>'
                    '<button id=csv>CSVを作る</button></form>')

    @app.get("/c/export")
    def export(k: str = "", d1: str = "", d2: str = "") -> Response:
        start, end = parse_wareki_day(d1) if d1 else None, parse_wareki_day(d2) if d2 else None
        if (d1 and start is None) or (d2 and end is None):
            return page('<p class="notice-error">日付は令和○年○月○日の形で入力してください</p>')
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["整理番号", "受付", "申請種別", "氏名（漢字）", "進捗"])
        for r in records:
            d = r["t"].date()
            if (k and FORMS[int(k)] != r["form"]) or (start and d < start) or (end and d > end):
                continue
            w.writerow([r["no"], f"{wareki_day(d)}（{WEEK[d.weekday()]}） {r['t']:%H:%M}", r["form"], r["name"], r["status"]])
        return Response(buf.getvalue().encode("utf-8"), media_type="text/csv",
                        headers={"Content-Disposition": "attachment; filename=c.csv"})

    return app


PROFILE = """\
title: 第三の申請システム（テスト用）
login: {path: /c/signin, user_field: "#uid", password_field: "#pwd", submit: "text=ログインする",
        success: "text=ログオフ", error: .notice-error}
procedure: {by: link}
dates: {start: "#d1", end: "#d2", format: wareki}
export: {mode: button, page: /c/forms, button: "#csv", error: .notice-error}
encoding: utf-8-sig
columns: {整理番号: 受付番号, 受付: 受付日時, 申請種別: 手続名, 氏名（漢字）: 申請者氏名, 進捗: 状態}
statuses: {新規: 受付済, 確認中: 審査中, 済: 完了, 要修正: 差戻し}
"""


@pytest.fixture()
def third(tmp_path, kyodo_home, monkeypatch):
    from kyodo.core.settings import reset_settings

    records = make_records()
    monkeypatch.setenv("KYODO_SECRET_PORTAL_C", "c-pass-1234")
    server = serve_in_thread(third_portal(records, "c-pass-1234"))
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "portal_c.yaml").write_text(PROFILE, encoding="utf-8")
    reg = tmp_path / "municipalities.yaml"
    reg.write_text(textwrap.dedent(f"""\
        prefecture: {{code: "350001", name: 山口県, kind: prefecture}}
        municipalities:
          - code: "353418"
            name: 上関町
            kind: town
            portal_url: {server.url}
            profile: portal_c
            credentials: {{user: town-c, password_secret: PORTAL_C}}
        """), encoding="utf-8")
    monkeypatch.setenv("KYODO_REGISTRY", str(reg))
    reset_settings()
    try:
        yield records, reg
    finally:
        server.stop()


def test_a_third_product_served_by_a_yaml_profile_only(third):
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario

    records, reg_path = third
    registry = load_registry(reg_path)
    store = open_store()
    [whole] = run_scenario("e_application_aggregation", ["353418"], registry=registry, store=store)
    assert whole.status == "succeeded", whole.error
    wb = load_workbook(next(whole.artifact_dir.glob("*.xlsx")))
    summary = summary_of(wb)
    want = Counter((r["form"], STATUS[r["status"]]) for r in records)
    for form in FORMS:
        row = summary[("上関町", form)]
        assert row["合計"] == sum(n for (f, _), n in want.items() if f == form)
        for st in STATUS.values():
            assert row[st] == want[(form, st)], (form, st)
    rows = sheet_rows(wb["上関町"])
    assert [r["受付番号"] for r in rows] == [r["no"] for r in records if True]
    assert rows[0]["受付日時"] == records[0]["t"].replace(second=0, microsecond=0)
    assert whole.items_ok == len(records)
    # the procedure is a link, the dates are 和暦 typed into the form: the portal's own filter answers
    params = {"procedure": "粗大ごみ収集申込", "date_from": "2026-06-01", "date_to": "令和8年8月31日"}
    [part] = run_scenario("e_application_aggregation", ["353418"], params, registry=registry, store=store)
    assert part.status == "succeeded", part.error
    book = next(part.artifact_dir.glob("*.xlsx"))
    assert book.name.endswith("_20260601-20260831.xlsx")
    got = [r["受付番号"] for r in sheet_rows(load_workbook(book)["上関町"])]
    assert got == [r["no"] for r in records
                   if r["form"] == "粗大ごみ収集申込" and date(2026, 6, 1) <= r["t"].date() <= date(2026, 8, 31)] and got

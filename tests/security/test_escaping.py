"""HTML and script in stored text are shown as text: the dashboard and the FAQ chat page."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

EVIL = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def test_dashboard_escapes_and_masks_stored_text(kyodo_home, store, tmp_path):
    from kyodo.core.settings import get_settings
    from kyodo.runner.audit import entries
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry

    run = store.create_run(scenario="e_application_aggregation", version="1", municipality="352039", municipalities=["352039"],
                           trigger="manual", params={"q": EVIL}, artifact_dir=str(tmp_path))
    sid = store.start_step(run.id, 1, "login", "browser.login", EVIL)
    store.finish_step(sid, "failed", f"{EVIL} 電話 090-1234-5678")
    store.update_run(run.id, status="failed", error_class="business", error_message=f"{EVIL} 083-922-1111")
    add_user(store, "yamaguchi", "yamaguchi-pass-1", "352039")
    app = create_app(store, load_registry(Path("config/municipalities.yaml")), get_settings(), session_secret="t")
    with TestClient(app) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": "yamaguchi", "password": "yamaguchi-pass-1", "csrf": token})
        pages = [c.get("/").text, c.get(f"/runs/{run.id}").text]
    detail = pages[1]
    assert "エラー" in detail and "&lt;script&gt;" in detail
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "090-1234-5678" not in detail and "083-922-1111" not in detail and "[電話番号]" in detail
    assert [e.action for e in entries()][:1] == ["dashboard.login"]


@pytest.mark.browser
def test_faq_answers_with_html_are_shown_as_text(tmp_path):
    """A municipality's own FAQ file with markup in the question and answer (a careless or hostile edit)."""
    import json

    from kyodo.faq_bot.api import create_app
    from kyodo.faq_bot.questionlog import QuestionStore
    from kyodo.faq_bot.service import FaqService
    from kyodo.robots.browser import browser
    from kyodo.runner.registry import load_registry
    from kyodo.runner.webserver import serve_in_thread

    faq = [{"ID": "1", "質問": f"粗大ごみの出し方{EVIL}", "回答": f"収集日の前日までに申し込みます。{EVIL}",
            "カテゴリ": "ごみ", "URL": "javascript:alert(3)"},
           {"ID": "2", "質問": "住民票の写しの取り方", "回答": "市民課の窓口で申請します。", "カテゴリ": "戸籍"}]
    (tmp_path / "prefecture.json").write_text(json.dumps(faq, ensure_ascii=False), encoding="utf-8")
    service = FaqService(load_registry(Path("config/municipalities.yaml")), faq_dir=tmp_path)
    with serve_in_thread(create_app(service, QuestionStore(f"sqlite:///{tmp_path / 'q.db'}"))) as server:
        ctx = browser().new_context(locale="ja-JP")
        try:
            page = ctx.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{server.url}/m/352039")
            page.get_by_role("textbox", name="質問").fill("粗大ごみの出し方")
            page.keyboard.press("Enter")
            page.locator(".msg.bot").first.wait_for()
            if "収集日の前日" not in page.locator(".msg.bot").last.inner_text():  # unsure: pick the suggestion
                page.locator(".sugg button").first.click()
                page.get_by_text("収集日の前日", exact=False).wait_for()
            shown = page.locator(".msg.bot").last.inner_text()
            assert "収集日の前日までに申し込みます。<script>" in shown and 'onerror="alert(1)">' in shown
            assert page.locator(".msg img, .msg script, .msg a[href^=javascript]").count() == 0 and not dialogs
        finally:
            ctx.close()

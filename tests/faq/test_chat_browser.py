"""The chat page in real Chromium: type a question, read the answer, give feedback; no XSS."""

import pytest

from faq_bot.api import create_app
from faq_bot.questionlog import QuestionStore
from runner.webserver import serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture()
def site(faq_service, tmp_path):
    store = QuestionStore(f"sqlite:///{tmp_path / 'faq.db'}")
    with serve_in_thread(create_app(faq_service, store)) as server:
        yield server.url, store


@pytest.fixture()
def page():
    from robots.browser import browser

    ctx = browser().new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")  # a phone
    yield ctx.new_page()
    ctx.close()


def test_ask_see_answer_and_give_feedback(site, page):
    url, store = site
    page.goto(f"{url}/m/352039")
    assert page.title().startswith("山口市")
    page.get_by_role("textbox", name="質問").fill("粗大ごみの申込方法を教えてください")
    page.keyboard.press("Enter")
    bot = page.locator(".msg.bot").first
    bot.wait_for()
    assert "粗大ごみ" in bot.inner_text()
    page.get_by_role("button", name="役に立たなかった").click()
    page.get_by_text("ご協力ありがとうございます").wait_for()
    assert [r.helpful for r in store.all()] == [False]


def test_unsure_answer_offers_suggestions_and_contact(site, page):
    url, _ = site
    page.goto(f"{url}/m/352039")
    page.get_by_role("textbox", name="質問").fill("宇宙飛行士の試験")
    page.get_by_role("button", name="送信").click()
    bot = page.locator(".msg.bot").first
    bot.wait_for()
    text = bot.inner_text()
    assert "確かな回答が見つかりませんでした" in text and "山口市 デジタル推進課" in text
    assert bot.locator(".sugg button").count() == 3


def test_script_in_a_question_is_shown_as_text(site, page):
    url, _ = site
    page.goto(f"{url}/m/352039")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    page.get_by_role("textbox", name="質問").fill(evil)
    page.keyboard.press("Enter")
    page.locator(".msg.bot").first.wait_for()
    assert page.locator(".msg.user").first.inner_text() == evil
    assert page.locator(".msg img").count() == 0 and not dialogs

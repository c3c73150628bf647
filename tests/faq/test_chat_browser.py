"""The chat page in real Chromium: type a question, read the answer, give feedback; no XSS."""

import pytest

from kyodo.faq_bot.api import create_app
from kyodo.faq_bot.questionlog import QuestionStore
from kyodo.runner.webserver import serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture()
def site(faq_service, tmp_path):
    store = QuestionStore(f"sqlite:///{tmp_path / 'faq.db'}")
    with serve_in_thread(create_app(faq_service, store)) as server:
        yield server.url, store


@pytest.fixture()
def page():
    from kyodo.robots.browser import browser

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
    assert "確かな回答が見つかりませんでした" in text and "問い合わせ先" in text and "083-000-" in text
    assert "デジタル推進課" not in text  # the topic's office, never the DX office that runs the bot
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


def test_links_waiting_indicator_and_csp_in_chromium(site, page, tmp_path):
    url, _ = site
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/m/352039")
    page.route("**/api/352039/ask", lambda route: (page.wait_for_timeout(400), route.continue_()))
    page.get_by_role("textbox", name="質問").fill("粗大ごみの申込方法を教えてください")
    page.keyboard.press("Enter")
    page.locator(".typing").wait_for()  # shown while the answer is on its way
    assert page.get_by_role("button", name="送信").is_disabled()
    bot = page.locator(".msg.bot").first
    bot.wait_for()
    assert page.locator(".typing").count() == 0
    link = bot.locator("a[href^='https://']").first
    assert link.get_attribute("rel") == "noopener noreferrer" and link.inner_text().startswith("https://")
    assert "ごみ減量推進課" in bot.inner_text()
    assert not [e for e in errors if "Content Security Policy" in e]  # nonce'd script and style ran
    page.screenshot(path=str(tmp_path / "chat_390.png"), full_page=True)


def test_english_and_easy_japanese_pages(site, page):
    url, _ = site
    page.goto(f"{url}/m/352039?lang=en")
    page.get_by_role("textbox", name="Question").fill("Hello")
    page.get_by_role("button", name="Send").click()
    page.locator(".msg.bot").first.wait_for()
    assert "Ask me about" in page.locator(".msg.bot").first.inner_text()
    page.goto(f"{url}/m/352039?lang=easy")
    assert page.get_by_role("button", name="おくる").is_visible()
    page.goto(f"{url}/m/999999")
    assert "見つかりませんでした" in page.locator("body").inner_text() and page.locator("a[href^='/m/352039']").count() == 1

"""Selectors chosen the way a careful person would: id, name, label, role + name, text; position last.
Each chosen selector must match exactly one element when Playwright looks for it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kyodo.runner.recorder import EventKind, Options, compose, recording_browser

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>入力</title></head><body>
<h1>申請の入力</h1>
<button id="ember1234" type="button">確定する</button>
<input name="kana" placeholder="カナ">
<label>氏名 <input class="x"></label>
<label><input type="checkbox"> 同意する</label>
<p>一覧 <a href="#a">詳細</a> <a href="#b">詳細</a></p>
<div><span onclick="1">ここ</span><span onclick="1">ここ</span></div>
<select id="kind"><option>転入</option><option>転出</option></select>
<label for="att">添付書類</label><input type="file" id="att" name="attachment">
<table id="t"><tr><th>番号</th></tr><tr><td>1</td></tr></table><a rel="next" href="#n">次へ</a>
</body></html>"""


@pytest.fixture(scope="module")
def site():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_selectors_are_stable_and_unique(site, tmp_path):
    with recording_browser(site, tmp_path / "dl", headless=True) as (rec, page):
        page.click("text=確定する")
        page.fill("input[name=kana]", "ヤマダ")
        page.fill("input.x", "山田 花子")
        page.check("input[type=checkbox]")
        page.click("a[href='#b']")
        page.locator("span").nth(1).click()
        page.select_option("#kind", label="転出")
        page.click("#t td", modifiers=["Alt"])
        (tmp_path / "申請書.pdf").write_bytes(b"%PDF-1.4")
        page.set_input_files("#att", str(tmp_path / "申請書.pdf"))
        rec.pump(page)
        events = []
        for e in rec.events:  # typing reports every keystroke; one per field is enough here
            if e.kind is not EventKind.PAGE and not (events and (events[-1].kind, events[-1].selector) == (e.kind, e.selector)):
                events.append(e)
        for e in events:
            assert page.locator(e.selector).count() == 1, e.selector
    got = [(e.kind, e.selector, e.selector_kind) for e in events]
    assert got[0] == (EventKind.CLICK, 'role=button[name="確定する"s]', "role")  # the generated id is not used
    assert got[1][1:] == ('input[name="kana"]', "name")
    assert got[2][1:] == ('role=textbox[name="氏名"s]', "label")
    assert got[3][0] is EventKind.CHECK and got[3][2] == "label" and events[3].checked is True
    assert got[4][0] is EventKind.CLICK and got[4][2] == "position"  # two links read 詳細: nothing better is unique
    assert got[5][2] == "position"
    assert got[6] == (EventKind.SELECT, "#kind", "id") and events[6].option_label == "転出"
    assert got[7] == (EventKind.READ_TABLE, "#t", "id") and events[7].next_page == 'role=link[name="次へ"s]'
    assert got[8] == (EventKind.UPLOAD, "#att", "id") and events[8].files == ["申請書.pdf"]
    steps = compose(events, Options(name="t")).scenario["steps"]
    assert steps[-1]["action"] == "browser.upload" and steps[-1]["with"] == {"selector": "#att", "paths": "${params.attachment}"}


def test_the_badge_button_arms_reading_the_next_table(site, tmp_path):
    with recording_browser(site, tmp_path / "dl", headless=True) as (rec, page):
        badge = page.locator("kyodo-recorder")
        assert "記録中" in badge.locator("[role=status]").inner_text()
        badge.get_by_role("button", name="表を読み取る").click()
        page.click("#t td")
        page.click("#t td")  # the mode is used once: a later click is a click again
        rec.pump(page)
    events = [(e.kind, e.selector) for e in rec.events if e.kind is not EventKind.PAGE]
    assert events[0] == (EventKind.READ_TABLE, "#t")
    assert [k for k, _ in events[1:]] == [EventKind.CLICK]

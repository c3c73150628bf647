"""Staff flows in real Chromium: log in, open a failed run, see its screenshot, download a workbook."""

import pytest

from runner.webserver import serve_in_thread

pytestmark = pytest.mark.browser


def test_staff_opens_failed_run_and_downloads_artifact(dash, tmp_path):
    from robots.browser import browser

    app, failed, ok = dash
    with serve_in_thread(app) as server:
        context = browser().new_context(accept_downloads=True, locale="ja-JP")  # the process's one Chromium
        page = context.new_page()
        page.goto(f"{server.url}/")
        page.get_by_label("ユーザー名").fill("pref")
        page.get_by_label("パスワード").fill("pref-pass-12345")
        page.get_by_role("button", name="ログイン").click()
        page.get_by_role("heading", name="実行履歴").wait_for()

        page.locator("#runs tr", has_text="失敗").first.get_by_role("link").click()
        assert "ログインできませんでした" in page.locator("#error").inner_text()
        img = page.locator("img.shot").first
        img.wait_for()
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 100", img.element_handle())
        page.screenshot(path=str(tmp_path / "dashboard_failed_run.png"), full_page=True)

        page.goto(f"{server.url}/runs/{ok.run_id}")
        with page.expect_download() as info:
            page.locator("#artifacts a", has_text=".xlsx").first.click()
        dest = tmp_path / info.value.suggested_filename
        info.value.save_as(dest)
        assert dest.read_bytes()[:2] == b"PK" and dest.name.startswith("電子申請取りまとめ_")
        context.close()

"""Staff flows in real Chromium: log in, open a failed run, see its screenshot, download artifacts."""

import pytest

from kyodo.runner.webserver import serve_in_thread
from tests.dashboard.conftest import PASSWORDS

pytestmark = pytest.mark.browser


def _login(page, url, user):
    page.goto(f"{url}/")
    page.get_by_label("ユーザー名").fill(user)
    page.get_by_label("パスワード").fill(PASSWORDS[user])
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="実行履歴").wait_for()


def test_municipal_staff_open_their_failed_run_and_download_artifacts(dash, tmp_path):
    from kyodo.robots.browser import browser

    app, failed, ok = dash
    with serve_in_thread(app) as server:
        context = browser().new_context(accept_downloads=True, locale="ja-JP")  # the process's one Chromium
        try:
            page = context.new_page()
            _login(page, server.url, "yamaguchi")
            assert page.locator("#runs tbody tr").count() == 1  # only 山口市's own run

            page.locator("#runs tr", has_text="失敗").first.get_by_role("link").click()
            page.get_by_role("heading", name="失敗時の画面").wait_for()
            assert "ログインできませんでした" in page.locator("#error").inner_text()
            img = page.locator("img.shot").first
            img.wait_for()
            page.wait_for_function("(el) => el.complete", arg=img.element_handle(), timeout=10_000)
            assert page.evaluate("(el) => el.naturalWidth > 100 && el.naturalHeight > 100", img.element_handle())
            page.screenshot(path=str(tmp_path / "dashboard_failed_run.png"), full_page=True)

            with page.expect_download() as info:
                page.locator("#artifacts a", has_text="run.log").click()
            log = tmp_path / info.value.suggested_filename
            info.value.save_as(log)
            text = log.read_text(encoding="utf-8")
            assert "ログインできませんでした" in text and "wrong-password-xyz" not in text

            page.goto(f"{server.url}/runs/{ok.run_id}")  # 宇部市's run: not for 山口市 staff
            assert "実行が見つかりません" in page.locator("#message").inner_text()

            page.get_by_role("button", name="ログアウト").click()
            page.get_by_role("heading", name="職員ログイン").wait_for()
        finally:
            context.close()


def test_prefecture_staff_download_a_workbook_and_the_effect_report(dash, tmp_path):
    from openpyxl import load_workbook

    from kyodo.robots.browser import browser

    app, failed, ok = dash
    with serve_in_thread(app) as server:
        context = browser().new_context(accept_downloads=True, locale="ja-JP")
        try:
            page = context.new_page()
            _login(page, server.url, "pref")
            page.locator("#overview a", has_text="宇部市").first.click()
            page.locator("#runs tr", has_text="成功").first.get_by_role("link").click()
            with page.expect_download() as info:
                page.locator("#artifacts a", has_text=".xlsx").first.click()
            dest = tmp_path / info.value.suggested_filename
            info.value.save_as(dest)
            assert dest.read_bytes()[:2] == b"PK" and dest.name.startswith("電子申請取りまとめ_")

            page.get_by_role("link", name="効果測定").click()
            assert page.locator("svg[role=img] rect").count() >= 1
            with page.expect_download() as info:
                page.locator("#export").click()
            report = tmp_path / "effect.xlsx"
            info.value.save_as(report)
            assert info.value.suggested_filename.startswith("効果測定_")
            wb = load_workbook(report)
            assert wb.sheetnames == ["効果", "自治体別", "シナリオ別", "月別推移"] and len(wb["自治体別"]._charts) == 1
        finally:
            context.close()

"""A clerk's day on a phone (390 px) and at a desk (1366 px) in real Chromium: no sideways scrolling,
check runs, re-run a failed part, pause a schedule, export the month's effect report."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kyodo.runner.webserver import serve_in_thread
from tests.dashboard.conftest import PASSWORDS, make_run

pytestmark = pytest.mark.browser
PAGES = ["/", "/runs/{run}", "/schedule", "/schedule?month=2026-12", "/effect", "/effect/print"]


@pytest.fixture()
def day(office, kyodo_home):
    """The office with a month of work and a prefecture run in which 宇部市's login failed (with a real screenshot)."""
    from PIL import Image, ImageDraw

    client, store, _, submitted = office
    month = datetime.now().strftime("%Y-%m")
    today = datetime.now().date()
    for i in range(12):
        make_run(store, "352021", "succeeded" if i % 4 else "failed", "ログインできませんでした" if i % 4 == 0 else None,
                 day=today, minutes=i, scenario="tax_reconciliation" if i % 2 else "e_application_aggregation")
    run = make_run(store, "350001", "partial", "1 件の項目でエラーがありました", towns=["352021", "352039"], day=today, minutes=30)
    folder = kyodo_home / "runs" / "350001" / run
    folder.mkdir(parents=True)
    img = Image.new("RGB", (1280, 800), "white")
    ImageDraw.Draw(img).rectangle((100, 100, 1180, 700), outline="red", width=8)
    img.save(folder / "failure-01-352021-login.png")
    store.update_run(run, artifact_dir=str(folder))
    store.record_artifacts(run, folder)
    sid = store.start_step(run, 1, "login", "browser.login", "宇部市(352021)")
    store.finish_step(sid, "failed", "ログインできませんでした（宇部市）\n  → 対処: パスワードを確認してください。")
    return client.app, run, month, submitted


def _shots_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("KYODO_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _no_overflow(page, what: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: page is {width[0]} px wide on a {width[1]} px screen"
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; }).map(e => e.tagName + '#' + e.id).slice(0, 5)""")
    assert not wide, f"{what}: elements stick out: {wide}"


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def lum(css: str) -> float:
        r, g, bl = (int(x) / 255 for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
        f = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, bl)]
        return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _login(page, url: str, user: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("ユーザー名").fill(user)
    page.get_by_label("パスワード").fill(PASSWORDS[user])
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="実行履歴").wait_for()


@pytest.mark.parametrize("width", [390, 1366])
def test_no_page_scrolls_sideways(day, width, tmp_path):
    from kyodo.robots.browser import browser

    app, run, _, _ = day
    shots = _shots_dir(tmp_path)
    with serve_in_thread(app) as server:
        context = browser().new_context(viewport={"width": width, "height": 860}, locale="ja-JP", accept_downloads=True)
        try:
            page = context.new_page()
            page.goto(f"{server.url}/login")
            _no_overflow(page, "login")
            _login(page, server.url, "pref")
            for path in PAGES:
                page.goto(server.url + path.format(run=run))
                _no_overflow(page, f"{path} at {width} px")
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "") or "runs"
                page.screenshot(path=str(shots / f"{width}_{name.replace('{run}', 'run')}.png"), full_page=True)
            if width == 390:  # cards: each value has its label, no column squeezed to one character
                cell = page.goto(f"{server.url}/") and page.locator("#runs tbody tr").first.locator("td").nth(1)
                assert cell.evaluate("(el) => getComputedStyle(el, '::before').content").strip('"') == "自治体"
                assert cell.evaluate("(el) => el.getBoundingClientRect().width") > 300
        finally:
            context.close()


def test_a_clerks_day_on_a_phone(day, tmp_path):
    from kyodo.robots.browser import browser

    app, run, month, submitted = day
    shots = _shots_dir(tmp_path)
    with serve_in_thread(app) as server:
        context = browser().new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", accept_downloads=True,
                                        is_mobile=True, has_touch=True)
        try:
            page = context.new_page()
            _login(page, server.url, "ube")
            # skip link and navigation for keyboard users
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
            page.keyboard.press("Tab")  # the first menu link, on the blue header
            ring, under = page.evaluate("""() => [getComputedStyle(document.activeElement).outlineColor,
                                                  getComputedStyle(document.querySelector('header')).backgroundColor]""")
            assert _contrast(ring, under) >= 3, (ring, under)
            page.goto(f"{server.url}/")
            page.locator("#runs a").first.focus()
            ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
            assert _contrast(ring, "rgb(255, 255, 255)") >= 3, ring
            assert page.locator("nav a[aria-current=page]").inner_text() == "実行履歴"
            # check runs: the prefecture run in which 宇部市 failed is listed for 宇部市
            page.locator(f"#runs a[href='/runs/{run}']").click()
            page.get_by_role("heading", name="電子申請データ取りまとめ（宇部市）").wait_for()
            assert "パスワードを確認" in page.locator("#hint").inner_text()
            # the screenshot loads after the heading: wait for it, then check it is the full 1280-px failure screen
            shot = page.locator("img.shot").element_handle()
            page.wait_for_function("(el) => el.complete", arg=shot, timeout=10_000)
            assert page.evaluate("(el) => el.naturalWidth", shot) == 1280
            _no_overflow(page, "part of a prefecture run")
            page.screenshot(path=str(shots / "390_part_run.png"), full_page=True)
            page.get_by_role("button", name="宇部市の分を再実行する").click()
            page.locator("#flash").wait_for()
            assert [(p.owner, p.municipalities) for p in submitted] == [("352021", ["352021"])]
            # pause a schedule
            page.get_by_role("link", name="実行予定").click()
            page.get_by_role("button", name="宇部市 電子申請データ取りまとめを一時停止").click()
            page.locator("#flash").wait_for()
            assert "一時停止中" in page.locator("#schedule").inner_text()
            assert page.locator("nav a[aria-current=page]").inner_text() == "実行予定"
            page.screenshot(path=str(shots / "390_schedule_paused.png"), full_page=True)
            # export the month's effect report (with 円 at an hourly cost)
            page.get_by_role("link", name="効果測定").click()
            page.get_by_label("1時間あたりの人件費（円）").fill("3000")
            page.get_by_role("button", name="表示").click()
            page.locator("#yen").wait_for()
            with page.expect_download() as info:
                page.get_by_role("link", name="Excelで出力").click()
            dest = tmp_path / info.value.suggested_filename
            info.value.save_as(dest)
            assert info.value.suggested_filename == f"効果測定_{month}.xlsx"
            wb = load_workbook(dest)
            header = next(r for r in wb["効果"].iter_rows(values_only=True) if r and r[0] == "自治体コード")
            assert "削減額(円)" in header and "月別推移" in wb.sheetnames
            page.screenshot(path=str(shots / "390_effect.png"), full_page=True)
        finally:
            context.close()

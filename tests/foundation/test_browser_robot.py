"""The browser robot in real Chromium against the demo portal (no Playwright mocks)."""

from pathlib import Path

import pytest

from kyodo.core.errors import ApplicationError, BusinessError
from kyodo.robots import RunContext, get_action
from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.engine import call_action
from kyodo.runner.secrets import get_secret

pytestmark = pytest.mark.browser


@pytest.fixture()
def ctx(tmp_path: Path, demo_portal: str):
    c = RunContext(run_id="t", artifact_dir=tmp_path / "run", municipality_code="352039", municipality_name="山口市",
                   input_dirs=(tmp_path,), secret_resolver=get_secret)
    yield c
    c.close()


def act(ctx, name, **args):
    return call_action(get_action(name), ctx, args)


def login(ctx, portal, code="352039"):
    return act(ctx, "browser.login", url=f"{portal}/{code}/login", user=f"kyodo-{code}", password_secret=f"PORTAL_{code}")


def test_login_paginate_and_read_every_row(ctx, demo_portal):
    assert login(ctx, demo_portal) is True
    df = act(ctx, "browser.read_table", selector="table#applications", next_page="a[rel=next]")
    expected = applications_for("352039", "山口市")
    assert list(df.columns) == ["受付番号", "受付日時", "手続名", "申請者氏名", "状態"]
    assert df["受付番号"].tolist() == [a.receipt_no for a in expected]


def test_download_saves_the_export_into_the_run_folder(ctx, demo_portal):
    login(ctx, demo_portal)
    act(ctx, "browser.select", selector="#procedure", label="施設予約")
    with pytest.raises(BusinessError, match="フォルダが含まれています"):  # refused, not stripped to escape.csv
        act(ctx, "browser.download", click="#export", filename="../../escape.csv")
    path = act(ctx, "browser.download", click="#export", filename="export.csv")
    assert path.parent == ctx.artifact_dir / "downloads" and path.name == "export.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # 山口市 exports UTF-8 with BOM
    text = raw.decode("utf-8-sig")
    n = sum(1 for a in applications_for("352039", "山口市") if a.procedure == "施設予約")
    assert text.count("352039-") == n


def test_wrong_password_is_a_business_error_with_screenshot(ctx, demo_portal, monkeypatch):
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352039", "definitely-wrong")
    with pytest.raises(BusinessError) as e:
        login(ctx, demo_portal)
    assert "ログインできませんでした" in str(e.value) and "PORTAL_352039" in str(e.value)
    shots = list(ctx.artifact_dir.glob("failure-*-login.png"))
    assert shots and shots[0].stat().st_size > 1000
    html = shots[0].with_suffix(".html").read_text(encoding="utf-8")
    assert "IDまたはパスワードが違います" in html and "definitely-wrong" not in html


def test_missing_element_times_out_as_application_error(ctx, demo_portal):
    login(ctx, demo_portal)
    with pytest.raises(ApplicationError) as e:
        act(ctx, "browser.click", selector="#no-such-button", timeout_seconds=1)
    assert "時間切れ" in str(e.value)
    assert list(ctx.artifact_dir.glob("failure-*-click.png"))


def test_unknown_select_option_lists_the_choices(ctx, demo_portal):
    login(ctx, demo_portal)
    with pytest.raises(BusinessError) as e:
        act(ctx, "browser.select", selector="#procedure", label="児童手当現況届")
    assert "児童手当 現況届" in str(e.value)


def test_portal_down_is_a_retryable_application_error(ctx):
    from kyodo.runner.webserver import free_port

    with pytest.raises(ApplicationError) as e:
        act(ctx, "browser.open", url=f"http://127.0.0.1:{free_port()}/352039/login", timeout_seconds=5)
    assert "接続できません" in str(e.value)


def test_each_municipality_gets_a_fresh_browser_context(ctx, demo_portal):
    login(ctx, demo_portal, "352039")
    other = ctx.scoped(municipality_code="352021", municipality_name="宇部市")
    act(other, "browser.open", url=f"{demo_portal}/352021/applications")
    from kyodo.robots.browser._session import page

    assert page(other).url.endswith("/352021/login"), "no session leaks from 山口市 to 宇部市"

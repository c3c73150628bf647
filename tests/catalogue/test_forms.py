"""browser.fill_form / upload / wait_for / read_text on the demo 基幹 system's real pages (Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.robots import BusinessError, RunContext, all_actions
from kyodo.runner.secrets import get_secret
from tests.catalogue.conftest import records

CODE = "352039"


def act(name: str):
    return all_actions()[name].func


@pytest.fixture()
def ctx(tmp_path: Path):
    inp = tmp_path / "in"
    inp.mkdir()
    c = RunContext(run_id="forms", artifact_dir=tmp_path / "run", municipality_code=CODE, input_dirs=(inp,),
                   secret_resolver=get_secret)
    yield c
    c.close()


def test_fill_form_every_kind_of_field_upload_and_read(intake, demo_registry, ctx):
    server = intake()
    base = f"{server.url}/{CODE}/kikan"
    m = demo_registry.get(CODE)
    act("browser.login")(ctx, url=f"{base}/login", user=m.credentials.user, password_secret=m.credentials.password_secret,
                         submit="form#login button[type=submit]", success="#menu-new")
    act("browser.open")(ctx, url=f"{base}/new/1")
    page1 = {"receipt_no": "2026-123456", "applicant_name": "山本 一郎", "applicant_kana": "ヤマモト イチロウ",
             "applicant_birth": "昭和60年4月1日", "zip": "753-0001", "address": "山口県山口市中央1-1", "phone": "083-922-0001",
             "relationship": "母"}
    kinds = act("browser.fill_form")(ctx, fields=page1, submit="#next", wait_for="#child_name")
    assert kinds["relationship"] == "select" and kinds["applicant_birth"] == "date" and kinds["zip"] == "text"
    (ctx.input_dirs[0] / "添付.pdf").write_bytes(b"%PDF-1.4\n%demo\n")
    with pytest.raises(BusinessError, match="選択肢「中間」がありません.*"):
        act("browser.fill_form")(ctx, fields={"account_type": "中間"})
    page2 = {"child_name": "山本 陽葵", "child_birth": "R5.6.7", "child_gender": "女", "bank": "西京銀行",
             "account_type": "当座", "account_no": "0012345", "public_servant": True}
    act("browser.fill_form")(ctx, fields=page2)
    assert act("browser.upload")(ctx, selector="attachment", paths="添付.pdf", submit="#next", wait_for="#register") == 1
    shown = act("browser.read_text")(ctx, selector="[data-field]", all=True)
    assert "1985-04-01" in shown and "2023-06-07" in shown and "当座" in shown and "はい" in shown and "添付.pdf" in shown
    act("browser.click")(ctx, selector="#register")
    act("browser.wait_for")(ctx, selector=".saved", text="登録しました")
    number = act("browser.read_text")(ctx, selector="#management-number")
    [rec] = records(server, CODE)
    assert number == rec["management_no"] and rec["relationship"] == "母" and rec["child_gender"] == "女"
    with pytest.raises(BusinessError, match="入力項目「no_such_field」が見つかりません"):
        act("browser.fill_form")(ctx, fields={"no_such_field": "x"})


def test_fill_form_reports_the_systems_validation_message(intake, demo_registry, ctx):
    server = intake()
    base = f"{server.url}/{CODE}/kikan"
    m = demo_registry.get(CODE)
    act("browser.login")(ctx, url=f"{base}/login", user=m.credentials.user, password_secret=m.credentials.password_secret,
                         submit="form#login button[type=submit]", success="#menu-new")
    act("browser.open")(ctx, url=f"{base}/new/1")
    with pytest.raises(BusinessError, match="郵便番号は「753-0001」の形式") as err:
        act("browser.fill_form")(ctx, fields={"receipt_no": "2026-000001", "zip": "75-31"}, submit="#next", wait_for="#child_name")
    assert "画面:" in (err.value.hint or "")  # evidence screenshot saved
    assert list(ctx.artifact_dir.glob("failure-*.png"))

"""One standard scenario, two demo products (and the lite edition without export), by profile only."""

from __future__ import annotations

import time
from datetime import date

import pytest
from openpyxl import load_workbook

from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.demo.portal_b.data import receipt_b
from kyodo.runner.submit import run_scenario
from tests.profiles.conftest import expected_counts, sheet_rows, summary_of

pytestmark = pytest.mark.browser
# 山口市: product A; 周南市: A's older version (profile denshi_a_v2); 下松市: product B (form POST, CP932,
# 和暦, half-width kana, full-width digits); 美祢市: B lite (no export: the list screen read page by page)
CODES = ["352039", "352152", "352071", "352136"]


def test_standard_scenario_aggregates_every_product_exactly(registry, store):
    [result] = run_scenario("e_application_aggregation", CODES, registry=registry, store=store)
    assert result.status == "succeeded", result.error
    wb = load_workbook(next(result.artifact_dir.glob("*.xlsx")))
    summary = summary_of(wb)
    header = [c.value for c in wb["集計"][4]]
    assert header == ["自治体", "手続名", "受付済", "審査中", "完了", "差戻し", "合計"], "statuses in the standard order"
    total = 0
    for code in CODES:
        name = registry.get(code).name
        want = expected_counts(code, name)
        total += sum(want.values())
        for (proc, st), n in want.items():
            assert summary[(name, proc)][st] == n, (name, proc, st)
    assert result.items_ok == total, "処理件数 = rows, each once"
    b_rows = sheet_rows(wb["下松市"])
    apps = applications_for("352071", "下松市")
    assert [r["受付番号"] for r in b_rows] == [receipt_b(a) for a in apps]
    assert b_rows[0]["受付日時"] == apps[0].received_at.replace(second=0)  # R8.4.1 09:30 read as a datetime
    assert all(r["電話番号"] == a.phone for r, a in zip(b_rows, apps)), "full-width digits → ASCII"
    kana = b_rows[0]["申請者カナ"]
    assert kana and all("\u30a0" <= ch <= "\u30ff" or ch == " " for ch in kana), f"full-width katakana: {kana}"
    lite = sheet_rows(wb["美祢市"])
    assert len(lite) == len(applications_for("352136", "美祢市")) > 25, "several pages followed by 次へ"


def test_procedure_and_period_on_product_b_and_the_lite_edition(registry, store):
    params = {"procedure": "児童手当 現況届", "date_from": "2026/6/1", "date_to": "令和8年9月30日"}
    [result] = run_scenario("e_application_aggregation", ["352071", "352136"], params, registry=registry, store=store)
    assert result.status == "succeeded", result.error
    book = next(result.artifact_dir.glob("*.xlsx"))
    assert book.name.endswith("_20260601-20260930.xlsx"), "runs for other periods do not overwrite it"
    wb = load_workbook(book)
    for code, name in (("352071", "下松市"), ("352136", "美祢市")):
        want = [receipt_b(a) for a in applications_for(code, name)
                if a.procedure == "児童手当 現況届" and date(2026, 6, 1) <= a.received_at.date() <= date(2026, 9, 30)]
        assert [r["受付番号"] for r in sheet_rows(wb[name])] == want and want


def test_a_date_format_the_portal_refuses_is_quoted_at_once_and_not_retried(registry, store):
    m = registry.get("352101")  # 光市, product B: this product wants yyyy/mm/dd
    from kyodo.runner.registry import apply_profiles

    m.profile_overrides = {"dates": {"format": "iso"}}
    apply_profiles(registry, registry.source)
    started = time.monotonic()
    [result] = run_scenario("e_application_aggregation", ["352101"], {"date_from": "2026-05-01"}, registry=registry, store=store)
    assert time.monotonic() - started < 30
    assert result.status == "failed"
    msg = result.item_errors[0]["message"]
    assert "受付日は yyyy/mm/dd の形式で入力してください。" in msg and "時間切れ" not in msg
    steps = [s for s in store.get_run(result.run_id).steps if s.step == "csv"]
    assert len(steps) == 1, "a business error on screen is not retried"


def test_a_portal_that_is_down_is_reported_as_unreachable_and_retryable(registry, store):
    from kyodo.runner.webserver import free_port

    registry.get("352110").portal_url = f"http://127.0.0.1:{free_port()}/e-shinsei/352110"
    [result] = run_scenario("e_application_aggregation", ["352039", "352110"], registry=registry, store=store)
    assert result.status == "partial"
    [err] = result.item_errors
    assert err["item"] == "長門市(352110)" and "システムに接続できません" in err["message"]
    assert "セレクタ" not in err["message"]
    assert store.get_run(result.run_id).error_class == "application", "an outage: a retry helps"


def test_an_unknown_host_is_unreachable_not_a_selector_problem(tmp_path):
    from kyodo.core.errors import ApplicationError
    from kyodo.robots import RunContext
    from kyodo.robots.browser.actions import open_page

    ctx = RunContext(run_id="dns", artifact_dir=tmp_path, municipality_code="352039")
    try:
        with pytest.raises(ApplicationError, match="システムに接続できません") as e:
            open_page(ctx, url="http://kyodo-no-such-portal.invalid/login", timeout_seconds=10)
        assert "セレクタ" not in str(e.value)
    finally:
        ctx.close()

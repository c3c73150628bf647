"""The catalogue as a whole: eight standard scenarios validate, each is configured for all 19
municipalities (dry run), and ``kyodo scenarios list`` shows titles, zones, minutes and users."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kyodo.runner.demo.catalogue import CATALOGUE, write_inputs

STANDARD = ("e_application_aggregation", "tax_reconciliation", "paper_application_ocr", *CATALOGUE)


def test_at_least_eight_standard_scenarios_validate_with_a_stated_baseline():
    from kyodo.core.settings import STANDARD_SCENARIOS
    from kyodo.runner.scenario.loader import load_scenario

    assert len(STANDARD) >= 8
    for name in CATALOGUE:
        sc = load_scenario(name)
        text = (STANDARD_SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
        assert sc.minutes_per_item > 0 and "minutes_per_item の根拠" in text, name
        assert any("\u3040" <= ch <= "\u9fff" for ch in sc.title), name


@pytest.mark.parametrize("name", CATALOGUE)
def test_runnable_for_all_19_municipalities_by_configuration(kyodo_home, demo_registry, name):
    """Each municipality's effective parameters resolve and its inputs are where the scenario looks (dry run)."""
    from kyodo.core.settings import get_settings
    from kyodo.runner.plan import plan_runs
    from kyodo.runner.scenario.dryrun import describe
    from kyodo.runner.scenario.loader import load_scenario

    for m in demo_registry.all():
        write_inputs(kyodo_home / "data" / m.code, m.code, m.name)
    sc = load_scenario(name)
    params = {"system_url": "http://127.0.0.1:9/kikan"} if name == "child_allowance_entry" else {}
    plans = plan_runs(sc, demo_registry, None, params, dry_run=True)
    assert len(plans) == 19
    for plan in plans:
        text = "\n".join(describe(plan, sc, demo_registry, get_settings()))
        assert "あります" in text and "今はありません" not in text and "1件もありません" not in text, (plan.owner, text)


def test_scenarios_list_shows_the_catalogue(kyodo_home):
    from kyodo.runner.cli import app

    out = CliRunner().invoke(app, ["scenarios", "list"], env={"COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    for title in ("児童手当 認定請求の基幹システム転記", "時間外勤務 集約・上限チェック", "ふるさと納税 寄附データ 取込・突合",
                  "施設予約 利用実績集計", "住民異動 関係課への連絡", "電子申請データ取りまとめ"):
        assert title in out.output
    assert "LGWAN接続系" in out.output and "インターネット接続系" in out.output
    assert "下関市" in out.output and "上関町" in out.output
    only = CliRunner().invoke(app, ["scenarios", "list", "-m", "352063"], env={"COLUMNS": "250"})
    assert "住民異動 関係課への連絡" in only.output and "児童手当 認定請求" not in only.output


def test_catalogue_rows_list_users_from_schedules_and_own_files(demo_registry):
    from kyodo.runner.cli.catalogue import catalogue_rows

    rows = {r.name: r for r in catalogue_rows(demo_registry)}
    assert "山口市" in rows["child_allowance_entry"].scheduled
    assert {"下関市", "上関町"} <= set(rows["overtime_aggregation"].configured)
    assert rows["facility_usage"].minutes_per_item == 0.3 and rows["facility_usage"].zone == "internet"

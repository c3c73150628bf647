"""The effect report: items and hours saved per municipality and scenario, by logical date, reruns once."""

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kyodo.runner.cli import app
from kyodo.runner.report.effect import effect_rows, svg_bars, write_effect_workbook

NAMES = {"352039": "山口市", "352021": "宇部市"}


@pytest.fixture()
def october(kyodo_home):
    """A month of runs, with the traps: reruns, failures, month edges in JST, a run without logical date."""
    from kyodo.runner.store import open_store

    store = open_store()

    def add(code, scenario, status, day, items=0, failed=0, minutes=0.0, created=None, rerun_of=None):
        r = store.create_run(scenario=scenario, version="1", municipality=code, municipalities=[code], trigger="schedule",
                             params={}, artifact_dir="", minutes_per_item=minutes, logical_date=day, rerun_of=rerun_of)
        store.update_run(r.id, status=status, items_ok=items, items_failed=failed,
                         created_at=created or datetime.combine(day or date(2026, 10, 1), datetime.min.time(), UTC))
        return r.id

    add("352039", "e_application_aggregation", "succeeded", date(2026, 10, 5), items=40, minutes=1.5)
    first = add("352039", "tax_reconciliation", "partial", date(2026, 10, 10), items=8, failed=2, minutes=10)
    add("352039", "tax_reconciliation", "succeeded", date(2026, 10, 10), items=10, minutes=10,
        created=datetime(2026, 11, 2, 1, 0, tzinfo=UTC), rerun_of=first)  # fixed in November, counts once, for October
    add("352021", "e_application_aggregation", "failed", date(2026, 10, 31), items=5, minutes=1.5)
    add("352021", "e_application_aggregation", "succeeded", date(2026, 10, 31), items=20, minutes=1.5,
        created=datetime(2026, 10, 31, 14, 30, tzinfo=UTC))  # 23:30 JST on the 31st
    add("352021", "e_application_aggregation", "succeeded", date(2026, 11, 1), items=99, minutes=1.5)
    add("352021", "e_application_aggregation", "succeeded", None, items=6, minutes=1.5,
        created=datetime(2026, 9, 30, 15, 30, tzinfo=UTC))  # old row without logical date: 1 Oct 00:30 JST
    add("352021", "e_application_aggregation", "succeeded", None, items=7, minutes=1.5,
        created=datetime(2026, 9, 30, 14, 30, tzinfo=UTC))  # 30 Sep 23:30 JST: September
    return store


def test_rows_count_each_days_work_once(october):
    rows = {(r.municipality, r.scenario): r for r in effect_rows(october, "2026-10", NAMES)}
    assert set(rows) == {("352039", "e_application_aggregation"), ("352039", "tax_reconciliation"),
                         ("352021", "e_application_aggregation")}
    tax = rows[("352039", "tax_reconciliation")]
    assert (tax.runs, tax.items, tax.items_failed, tax.hours_saved) == (1, 10, 0, round(10 * 10 / 60, 1))
    ube = rows[("352021", "e_application_aggregation")]
    assert (ube.runs, ube.items, ube.hours_saved) == (2, 26, round(26 * 1.5 / 60, 1))
    assert rows[("352039", "e_application_aggregation")].hours_saved == 1.0
    only_ube = effect_rows(october, "2026-10", NAMES, ["352021"])
    assert [(r.municipality, r.items) for r in only_ube] == [("352021", 26)]
    assert [r.items for r in effect_rows(october, "2026-11", NAMES)] == [99]


def test_svg_chart_has_one_bar_per_municipality(october):
    svg = svg_bars(effect_rows(october, "2026-10", NAMES))
    assert svg.startswith("<svg") and svg.count("<rect") == 2 and "山口市" in svg and "宇部市" in svg
    assert f"{(100 + 60) / 60:,.1f} 時間" in svg


def test_workbook_has_the_same_numbers_and_charts(october, tmp_path):
    rows = effect_rows(october, "2026-10", NAMES)
    dest = write_effect_workbook(rows, "2026-10", tmp_path / "効果.xlsx")  # no hourly cost, no trend: three sheets
    wb = load_workbook(dest)
    assert wb.sheetnames == ["効果", "自治体別", "シナリオ別"]
    detail = [[c.value for c in r] for r in wb["効果"].iter_rows()]
    header = detail.index(next(r for r in detail if r[0] == "自治体コード"))
    body = {(r[0], r[2]): r for r in detail[header + 1:] if r[0]}
    assert body[("352039", "税務 調定・収納照合")][4] == 10 and body[("352021", "電子申請データ取りまとめ")][4] == 26
    assert detail[header][-1] == "シナリオID" and body[("352039", "税務 調定・収納照合")][-1] == "tax_reconciliation"
    assert any("削減時間の合計" in str(r[0]) for r in detail[:header])
    assert len(wb["自治体別"]._charts) == 1 and len(wb["シナリオ別"]._charts) == 1
    towns = {r[0]: r for r in ([c.value for c in row] for row in wb["自治体別"].iter_rows()) if r[0] in NAMES.values()}
    assert towns["山口市"][2] == 50 and towns["宇部市"][2] == 26


def test_cli_prints_and_exports_and_keeps_old_file_on_error(october, tmp_path):
    out = tmp_path / "report.xlsx"
    res = CliRunner().invoke(app, ["report", "effect", "--month", "2026-10", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert "山口市" in res.output and "税務 調定・収納照合" in res.output and "処理件数の合計: 76 件" in res.output
    assert "tax_reconciliation" not in res.output  # staff read the Japanese title
    before = out.read_bytes()
    assert before[:2] == b"PK"
    bad = CliRunner().invoke(app, ["report", "effect", "--month", "2026年10月", "--output", str(out)])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
    assert out.read_bytes() == before
    one = CliRunner().invoke(app, ["report", "effect", "--month", "２０２６/１０", "-m", "宇部市"])
    assert one.exit_code == 0 and "宇部市" in one.output and "山口市" not in one.output


def test_same_work_counts_once_other_work_counts_and_hours_become_yen(kyodo_home, monkeypatch):
    from kyodo.runner.report.effect import effect_trend, hourly_cost
    from kyodo.runner.store import open_store

    store = open_store()

    def add(day, items, params=None, hour=0):
        r = store.create_run(scenario="e_application_aggregation", version="1", municipality="352039",
                             municipalities=["352039"], trigger="manual", params=params or {}, artifact_dir="",
                             minutes_per_item=3, logical_date=day)
        store.update_run(r.id, status="succeeded", items_ok=items,
                         created_at=datetime(day.year, day.month, day.day, hour, tzinfo=UTC))

    add(date(2026, 10, 5), 100)
    add(date(2026, 10, 5), 100, hour=3)  # the same day's work again, by hand: not another 100 items
    add(date(2026, 10, 5), 30, {"procedure": "児童手当"})  # other work the same day: counts
    add(date(2026, 9, 7), 60)
    [row] = effect_rows(store, "2026-10", NAMES)
    assert (row.runs, row.items, row.hours_saved) == (2, 130, 6.5)
    assert row.title == "電子申請データ取りまとめ"
    assert row.yen(3000) == 19_500 and row.yen(None) is None
    monkeypatch.setenv("KYODO_HOURLY_COST", "２,５００円")
    assert hourly_cost() == 2500 and hourly_cost("3000") == 3000 and hourly_cost("abc") is None and hourly_cost("-5") is None
    trend = effect_trend(store, "2026-10", NAMES, months=3)
    assert [(t.month, t.items, t.hours) for t in trend] == [("2026-08", 0, 0), ("2026-09", 60, 3.0), ("2026-10", 130, 6.5)]
    monkeypatch.delenv("KYODO_HOURLY_COST")
    res = CliRunner().invoke(app, ["report", "effect", "--month", "2026-10", "--hourly-cost", "3000"])
    assert res.exit_code == 0 and "19,500 円" in res.output
    res = CliRunner().invoke(app, ["report", "effect", "--month", "2026-10", "-m", "存在しない町"])
    assert res.exit_code == 2 and "台帳に登録されていません" in res.output and "検査数字" not in res.output

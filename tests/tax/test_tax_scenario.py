"""調定・収納照合 end to end through the engine, template formats preserved, bad inputs refused."""

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kyodo.robots.reconcile.demo_data import write_demo_tax_inputs
from kyodo.robots.reconcile.template import ERA_DATE, YEN
from kyodo.robots.zengin import parse_zengin
from kyodo.runner.submit import run_scenario

CODE = "352063"  # 防府市


@pytest.fixture()
def inputs(kyodo_home):
    d = kyodo_home / "data" / CODE
    write_demo_tax_inputs(d, CODE, 7, people=60)
    return d


def run(**params):
    [r] = run_scenario("tax_reconciliation", [CODE], params)
    return r


def test_reconciliation_end_to_end_keeps_the_template(inputs):
    r = run()
    assert r.status == "succeeded", r.error
    [book] = r.artifact_dir.glob("調定収納照合_352063_*.xlsx")
    wb = load_workbook(book)
    assert wb.sheetnames == ["集計", "要対応", "再振替候補", "完納", "一部納付", "過誤納", "重複納付", "未納", "収納のみ"]
    summary = {row[0]: row for row in wb["集計"].iter_rows(min_row=6, max_row=12, values_only=True)}
    # independent count of the payments from the bank files
    paid_total = 0
    for f in (inputs / "zengin").glob("*.txt"):
        z = parse_zengin(f.read_bytes(), f.name)
        paid_total += sum(x["引落金額"] for x in z.rows if "引落金額" in x and x["振替結果コード"] == "0")
        paid_total += sum(x["金額"] for x in z.rows if "金額" in x and x["取消区分"] in ("", "0"))
    assert paid_total > 0
    assert summary["合計"][3] == paid_total
    assert all(summary[c][1] > 0 for c in ("完納", "未納", "収納のみ"))
    assert sum(summary[c][1] for c in summary if c != "合計") == summary["合計"][1]
    # the template's formats survived filling
    ws = wb["集計"]
    assert ws["C7"].number_format == YEN and "A1:E1" in [str(m) for m in ws.merged_cells.ranges]
    assert ws["B4"].number_format == ERA_DATE
    todo = wb["要対応"]
    assert todo.data_validations.dataValidation and str(todo.data_validations.dataValidation[0].sqref) == "N5:N20000"
    assert any("A5:M20000" in str(rng.sqref) for rng in todo.conditional_formatting)
    assert todo["H6"].number_format == YEN and todo["G6"].number_format == ERA_DATE
    assert todo["A6"].font.name == "游ゴシック"
    kinds = {todo.cell(row=i, column=12).value for i in range(5, todo.max_row + 1)}
    assert "完納" not in kinds and "未納" in kinds


def test_missing_key_column_leaves_no_workbook(inputs):
    wb = load_workbook(inputs / "ledger.xlsx")
    wb.active["F5"] = "期"
    wb.save(inputs / "ledger.xlsx")
    r = run()
    assert r.status == "failed" and r.error_class == "business"
    assert "ledger.xlsx" in r.error and "期別" in r.error
    assert not list(r.artifact_dir.glob("*.xlsx"))


def test_unparseable_date_names_file_row_and_column(inputs):
    wb = load_workbook(inputs / "ledger.xlsx")
    wb.active["H9"] = "令和8年2月30日"
    wb.save(inputs / "ledger.xlsx")
    r = run()
    assert r.status == "failed"
    assert "ledger.xlsx H9" in r.error and "納期限" in r.error and "存在しない日付" in r.error


def test_unparseable_amount(inputs):
    wb = load_workbook(inputs / "ledger.xlsx")
    wb.active["G7"] = "千円"
    wb.save(inputs / "ledger.xlsx")
    r = run()
    assert r.status == "failed" and "ledger.xlsx G7" in r.error and "調定額" in r.error


def test_corrupt_workbook_and_broken_bank_file(inputs):
    (inputs / "ledger.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    r = run()
    assert r.status == "failed" and "Excelファイルを開けません" in r.error
    write_demo_tax_inputs(inputs, CODE, 7, people=60)
    f = inputs / "zengin" / "furikae_91.txt"
    f.write_bytes(f.read_bytes()[:-130])
    r = run()
    assert r.status == "failed" and "furikae_91.txt" in r.error
    assert not list(r.artifact_dir.glob("*.xlsx"))


def test_municipality_template_in_its_own_folder(inputs):
    shutil.copy(Path("scenarios/templates/tax_reconciliation.xlsx"), inputs / "my_template.xlsx")
    wb = load_workbook(inputs / "my_template.xlsx")
    wb["集計"]["A2"] = "防府市 税務課 様式第3号"
    wb.save(inputs / "my_template.xlsx")
    r = run(template="my_template.xlsx")
    assert r.status == "succeeded", r.error
    out = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    assert out["集計"]["A2"].value == "防府市 税務課 様式第3号"
    r = run(template="../../../etc/passwd")
    assert r.status == "failed" and "許可されたフォルダの外" in r.error

"""Workbook robot: messy ledgers read right, templates filled without losing their formats."""

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kyodo.core.errors import BusinessError
from kyodo.core.settings import get_settings
from kyodo.robots.workbook import (
    ERA_DATE,
    YEN,
    LedgerSpec,
    fill_table,
    open_template,
    read_ledger,
    read_values,
    save_atomic,
    set_cells,
)
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.model import Scenario


def messy_ledger(path: Path, *, bad_date: bool = False) -> Path:
    """Like a tax system export: title rows, a group heading, a header merged over two rows, 合計 at the end."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "令和６年度　個人住民税　調定一覧"
    ws.merge_cells("A1:F1")
    ws["A2"] = "出力日: 令和6年4月1日"
    ws["A3"], ws["D3"] = "納税義務者", "調定"
    ws.merge_cells("A3:C3")
    ws.merge_cells("D3:F3")
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "宛名番号", "氏名", "期", "調定額", "納期限", "年度"
    for c in "ABCDEF":
        ws.merge_cells(f"{c}4:{c}5")  # header cell two rows high
    rows = [
        ("０００００１２３４５", "ﾔﾏﾀﾞ ﾀﾛｳ", "１", "12,300円", "令和6年6月30日", "２０２４"),
        (12346, "佐藤　花子", 2, 4500, date(2024, 7, 31), 2024),
        ("12347", "鈴木 一郎", "3", "¥1,000", "R6.9.30" if not bad_date else "R6.13.45", "2024"),
    ]
    for i, r in enumerate(rows, start=6):
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j, value=v)
    ws["E7"].number_format = ERA_DATE  # a date cell shown in 和暦
    ws["A9"], ws["D9"] = "合　計", 17800
    wb.save(path)
    return path


SPEC = LedgerSpec(required_columns=["宛名番号", "期別", "調定額", "納期限"], rename={"期": "期別"},
                  date_columns=["納期限"], amount_columns=["調定額"], key_widths={"宛名番号": 10, "期別": 2})


def test_messy_ledger_is_read_clean_with_excel_row_numbers(tmp_path):
    df = read_ledger(messy_ledger(tmp_path / "調定.xlsx"), SPEC)
    assert list(df.index) == [6, 7, 8], "indexed by Excel row; the 合計 row is not data"
    assert list(df["宛名番号"]) == ["0000012345", "0000012346", "0000012347"]
    assert list(df["期別"]) == ["01", "02", "03"]
    assert list(df["調定額"]) == [12300, 4500, 1000]
    assert list(df["納期限"]) == [date(2024, 6, 30), date(2024, 7, 31), date(2024, 9, 30)]
    assert df.loc[6, "氏名"] == "ヤマダ タロウ", "half-width kana widened"
    assert list(df["年度"].astype(str)) == ["2024"] * 3, "full-width digits and Excel's 2024.0 agree"


def test_ledger_errors_name_file_row_and_column(tmp_path):
    with pytest.raises(BusinessError) as e:
        read_ledger(messy_ledger(tmp_path / "調定.xlsx", bad_date=True), SPEC)
    text = str(e.value)
    assert "調定.xlsx E8" in text and "8 行目" in text and "「納期限」" in text and "13月45日" in text
    with pytest.raises(BusinessError) as e:
        read_ledger(messy_ledger(tmp_path / "調定.xlsx"), LedgerSpec(required_columns=["宛名番号", "税目"]))
    assert "税目" in str(e.value) and "column_map" in str(e.value) and "調定.xlsx" in str(e.value)


def test_corrupt_or_missing_workbook_is_a_clear_error(tmp_path):
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BusinessError, match="開けません") as e:
        read_values(broken)
    assert "壊れた.xlsx" in str(e.value)
    with pytest.raises(BusinessError, match="見つかりません"):
        read_values(tmp_path / "ない.xlsx")
    with pytest.raises(BusinessError, match="シート「集計」"):
        read_values(messy_ledger(tmp_path / "a.xlsx"), "集計")


def test_fast_values_agree_with_openpyxl(tmp_path):
    p = messy_ledger(tmp_path / "a.xlsx")
    fast = read_values(p)
    ws = load_workbook(p, read_only=True).active
    slow = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    for r, (a, b) in enumerate(zip(fast, slow), 1):
        for c, (x, y) in enumerate(zip(a, b), 1):
            if isinstance(y, datetime) and isinstance(x, date):
                y = y.date() if not isinstance(x, datetime) else y
            assert x == y or (isinstance(y, (int, float)) and float(x) == float(y)), (r, c, x, y)


def template(path: Path) -> Path:
    """A municipality's 様式: fonts, a merged title, yen and era formats, validation and conditional formatting."""
    wb = Workbook()
    ws = wb.active
    ws.title = "明細"
    ws["A1"] = "未納一覧"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(name="游ゴシック", size=14, bold=True)
    for col, fmt in zip("ABCD", ["@", "@", YEN, ERA_DATE]):
        ws[f"{col}3"].number_format = fmt
        ws[f"{col}3"].font = Font(name="游ゴシック", size=10)
        ws[f"{col}3"].fill = PatternFill("solid", fgColor="FFF2CC")
    dv = DataValidation(type="list", formula1='"未対応,督促済,完了"')
    dv.add("E3:E3")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("C3:C3", CellIsRule(operator="greaterThan", formula=["10000"], font=Font(color="FF0000")))
    wb.save(path)
    return path


def test_filling_keeps_fonts_merges_formats_validation_and_conditional_formatting(tmp_path):
    table = pd.DataFrame({"宛名番号": ["0000000001", "0000000002", "0000000003"], "氏名": ["ア", "イ", "ウ"],
                          "未納額": pd.array([1200, 34000, None], dtype="Int64"),
                          "納期限": [date(2019, 4, 30), date(2019, 5, 1), pd.NaT]})
    wb = open_template(template(tmp_path / "様式.xlsx"))
    assert fill_table(wb["明細"], "A3", list(table.columns), table) == 3
    out = save_atomic(wb, tmp_path / "out" / "結果.xlsx")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "no temp file left behind"
    ws = load_workbook(out)["明細"]
    assert [ws.cell(row=r, column=3).value for r in (3, 4, 5)] == [1200, 34000, None]
    assert ws["D3"].value.date() == date(2019, 4, 30) and ws["D5"].value is None
    for r in (3, 4, 5):
        assert ws[f"C{r}"].number_format == YEN and ws[f"D{r}"].number_format == ERA_DATE
        assert ws[f"A{r}"].font.name == "游ゴシック" and ws[f"A{r}"].fill.fgColor.rgb.endswith("FFF2CC")
    assert "A1:D1" in [str(m) for m in ws.merged_cells.ranges] and ws["A1"].font.bold
    assert str(ws.data_validations.dataValidation[0].sqref) == "E3:E5", "validation grows with the rows"
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["C3:C5"]


CODE = "352039"


def run_in_town(kyodo_home, sc, **params):
    """Run scenario ``sc`` for 山口市 with its 様式.xlsx and 台帳.xlsx in the town's input folder."""
    from kyodo.runner.store import open_store

    data = kyodo_home / "data" / CODE
    if not data.is_dir():
        data.mkdir(parents=True)
        template(data / "様式.xlsx")
        messy_ledger(data / "台帳.xlsx")
    return execute(RunPlan(scenario=sc.name, owner=CODE, municipalities=[CODE], params=params), sc,
                   load_registry(Path("config/municipalities.yaml")), open_store(), get_settings())


def test_fill_template_action_and_a_wrong_sheet_name(kyodo_home):
    sc = Scenario.model_validate({"name": "wb", "title": "様式テスト", "steps": [
        {"id": "ledger", "action": "workbook.read_ledger",
         "with": {"path": "台帳.xlsx", "required_columns": ["宛名番号", "氏名", "調定額", "納期限"],
                  "amount_columns": ["調定額"], "date_columns": ["納期限"]}},
        {"action": "workbook.fill_template", "with": {
            "template": "様式.xlsx", "path": "未納_${municipality.code}.xlsx",
            "tables": [{"sheet": "${params.sheet}", "start": "A3", "table": "${ledger}",
                        "columns": ["宛名番号", "氏名", "調定額", "納期限"]}]}}],
        "params": {"sheet": {"type": "str", "default": "明細"}}})
    run = run_in_town(kyodo_home, sc)
    assert run.status == "succeeded", run.error
    [out] = run.artifact_dir.glob("未納_352039.xlsx")
    ws = load_workbook(out)["明細"]
    assert [ws.cell(row=r, column=3).value for r in (3, 4, 5)] == [12300, 4500, 1000]
    assert ws["C5"].number_format == YEN
    bad = run_in_town(kyodo_home, sc, sheet="集計")
    assert bad.status == "failed" and "シート「集計」" in bad.error and "明細" in bad.error


@pytest.mark.parametrize("with_,fragments", [
    ({"tables": [{"sheet": "明細", "start": "5A", "table": "${ledger}"}]},
     ["セル「5A」の指定が正しくありません（例: A5）", "明細"]),
    ({"cells": {"明細": {"明細!B3": 1}}}, ["セル「明細!B3」の指定が正しくありません", "cells の見出し"]),
    ({"tables": [{"sheet": "明細", "start": "A3", "table": "台帳.xlsx"}]}, ["table が表ではありません", "明細"]),
])
def test_fill_template_bad_input_is_a_business_error_in_japanese(kyodo_home, with_, fragments):
    sc = Scenario.model_validate({"name": "wb", "title": "様式テスト", "steps": [
        {"id": "ledger", "action": "workbook.read_ledger",
         "with": {"path": "台帳.xlsx", "required_columns": ["宛名番号", "氏名", "調定額", "納期限"]}},
        {"action": "workbook.fill_template", "with": {"template": "様式.xlsx", "path": "未納.xlsx", **with_}}]})
    run = run_in_town(kyodo_home, sc)
    assert run.status == "failed" and run.error_class == "business", run.error
    assert all(f in run.error for f in fragments), run.error
    assert "様式.xlsx" in run.error and "Exception" not in run.error and "Error" not in run.error
    assert not list(run.artifact_dir.glob("*.xlsx"))


def test_fill_table_and_set_cells_refuse_bad_cells(tmp_path):
    wb = open_template(template(tmp_path / "様式.xlsx"))
    ws = wb["明細"]
    table = pd.DataFrame({"a": [1, 2]})
    for bad in ("5A", "A0", "B", "A5:B6", "XFE1", 5):
        with pytest.raises(BusinessError, match="の指定が正しくありません"):
            fill_table(ws, bad, ["a"], table)
    with pytest.raises(BusinessError, match="結合セルの途中"):
        set_cells(ws, {"B1": "x"})
    with pytest.raises(BusinessError, match="セル B1 が結合セルの途中") as e:
        fill_table(ws, "B1", ["a"], table)
    assert "明細" in str(e.value)


def test_rename_with_spaces_in_headers_works_for_excel_and_csv_alike(tmp_path):
    from kyodo.robots.excel.csvread import read_csv_file

    csv = tmp_path / "台帳.csv"
    csv.write_bytes("宛名 番号,期　別,調定額\r\n0000000001,1,1000\r\n".encode("cp932"))
    df = read_csv_file(csv, required_columns=["宛名番号", "期別"], rename={"期　別": "期別"})
    assert list(df.columns) == ["宛名番号", "期別", "調定額"]
    wb = Workbook()
    wb.active.append(["宛名 番号", "期　別", "調定額"])
    wb.active.append(["0000000001", 1, 1000])
    wb.save(tmp_path / "台帳.xlsx")
    led = read_ledger(tmp_path / "台帳.xlsx", LedgerSpec(required_columns=["宛名番号", "期別"], rename={"期　別": "期別"}))
    assert list(led.columns) == list(df.columns)


def test_dates_in_general_cells_are_shown_as_dates_not_serial_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws["A1"], ws["B1"] = "受付日", "件数"  # a plain template: no number formats at all
    wb.save(tmp_path / "plain.xlsx")
    table = pd.DataFrame({"受付日": [date(2024, 4, 1), date(2024, 4, 2)], "件数": [3, 4]})
    book = open_template(tmp_path / "plain.xlsx")
    fill_table(book["一覧"], "A2", ["受付日", "件数"], table)
    out = load_workbook(save_atomic(book, tmp_path / "out.xlsx"))["一覧"]
    assert [out[f"A{r}"].is_date for r in (2, 3)] == [True, True]
    assert out["A2"].value.date() == date(2024, 4, 1) and out["B3"].number_format == "General"

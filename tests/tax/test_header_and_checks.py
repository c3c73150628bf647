"""Unit tests: header blocks of human spreadsheets, 年度 labels, 収納のみ reasons, masked keys, 振替結果 groups."""

import pandas as pd
import pytest
from openpyxl import Workbook

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import WarekiError, parse_nendo
from kyodo.robots.reconcile.checks import diagnose, mask_key, sanity_checks
from kyodo.robots.reconcile.match import explain_unassessed, reconcile
from kyodo.robots.workbook import LedgerSpec, find_header_block, read_ledger, read_sheet
from kyodo.robots.zengin import DebitResult, debit_result

KEYS = ["宛名番号", "年度", "税目", "期別"]


def two_row_header(path, *, tall_cells: bool = True):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "令和6年度 法人市民税 調定一覧"
    ws.merge_cells("A1:F1")
    ws["A2"] = "出力日 令和6年6月1日"
    for j, name in enumerate(["宛名番号", "法人名", None, None, "年度", "期別"], 1):
        if name:
            ws.cell(row=4, column=j, value=name)
            if tall_cells:
                ws.merge_cells(start_row=4, start_column=j, end_row=5, end_column=j)
    ws["C4"], ws["C5"], ws["D5"] = "調定額", "均等割", "法人税割"
    ws.merge_cells("C4:D4")
    ws.append(["00012345", "株式会社テスト", "50,000", 12000, "令和6年度", "確定"])
    ws.append(["00012346", "株式会社サンプル", 70000, "△1,000", "R6", "中間"])
    ws.append(["小計", None, 120000, 11000])
    ws.append(["00012347", "有限会社レイ", 0, 0, "2024", "確定"])
    ws.append(["合　計", None, 120000, 11000])
    ws.append(["※ 金額は円"])
    wb.save(path)
    return path


@pytest.mark.parametrize("tall", [True, False])
def test_two_row_header_block_names_and_body(tmp_path, tall):
    rows, merged = read_sheet(two_row_header(tmp_path / "l.xlsx", tall_cells=tall))
    block = find_header_block(rows, ["宛名番号", "均等割", "法人税割", "年度"], merged=merged)
    assert block.paths == ["宛名番号", "法人名", "調定額/均等割", "調定額/法人税割", "年度", "期別"]
    assert block.names[2:4] == ["均等割", "法人税割"], "a unique last part finds the wanted name"
    assert (block.top, block.body_start) == (3, 5), "title rows skipped, data from Excel row 6"
    aliased = find_header_block(rows, ["宛名番号", "内訳1"], aliases={"調定額/均等割": "内訳1"}, merged=merged)
    assert aliased.names[2] == "内訳1"


def test_ledger_with_parts_subtotals_years_and_maps(tmp_path):
    spec = LedgerSpec(required_columns=["宛名番号", "年度", "期別", "調定額"], amount_columns=["調定額"],
                      amount_parts={"調定額": ["均等割", "法人税割"]}, year_columns=["年度"],
                      value_maps={"期別": {"中間": "01", "確定": "02"}}, key_widths={"宛名番号": 8, "期別": 2})
    df = read_ledger(two_row_header(tmp_path / "l.xlsx"), spec)
    assert list(df.index) == [6, 7, 9], "小計 skipped, 合計 ends the table, the note after it is ignored"
    assert list(df["調定額"]) == [62000, 69000, 0]
    assert list(df["年度"]) == ["2024"] * 3 and list(df["期別"]) == ["02", "01", "02"]
    assert df.attrs["footer"].row == 10 and df.attrs["footer"].totals == {"均等割": 120000, "法人税割": 11000}


def test_missing_header_names_what_was_found(tmp_path):
    rows, merged = read_sheet(two_row_header(tmp_path / "l.xlsx"))
    with pytest.raises(BusinessError) as e:
        find_header_block(rows, ["宛名番号", "税目"], merged=merged)
    assert "「税目」" in str(e.value) and "調定額/均等割" in str(e.value) and "column_map" in str(e.value)


def test_bad_key_value_names_the_cell(tmp_path):
    spec = LedgerSpec(required_columns=["宛名番号", "期別"], key_widths={"期別": 2})
    with pytest.raises(BusinessError) as e:
        read_ledger(two_row_header(tmp_path / "l.xlsx"), spec)
    assert "l.xlsx F6" in str(e.value) and "value_maps" in str(e.value)


@pytest.mark.parametrize("label,year", [("令和6年度", 2024), ("R6", 2024), ("r06年度", 2024), ("令和元年度", 2019),
                                        ("H31", 2019), ("平成30年度", 2018), ("２０２４年度", 2024), (2024.0, 2024)])
def test_nendo_labels(label, year):
    assert parse_nendo(label) == year


@pytest.mark.parametrize("label", ["平成32年度", "令和", "24", "abc"])
def test_bad_nendo_labels(label):
    with pytest.raises(WarekiError):
        parse_nendo(label)


def test_unassessed_payments_say_why():
    a = pd.DataFrame({"宛名番号": ["0001", "0001"], "年度": ["2024", "2024"], "税目": ["01", "01"], "期別": ["01", "02"],
                      "調定額": [100, 100]})
    p = pd.DataFrame({"宛名番号": ["0001", "0001", "0001", "0009", "0001"], "年度": ["2024", "2023", "2024", "2024", "2024"],
                      "税目": ["01", "01", "02", "01", "01"], "期別": ["01", "01", "01", "01", "03"], "収納額": [100] * 5})
    r = explain_unassessed(reconcile(a, p, KEYS), a, KEYS)
    notes = sorted(r.loc[r["区分"] == "収納のみ", "確認事項"])
    assert notes == ["収納のみ: この宛名番号・年度に調定のない税目（02）", "収納のみ: この宛名番号・年度・税目に調定のない期別（03）",
                     "収納のみ: 台帳にない宛名番号", "収納のみ: 台帳にない年度（2023）"]
    assert not any("0009" in n for n in notes), "the unknown 宛名番号 itself is not written"


def test_zero_matches_never_succeed_and_name_the_cause():
    a = pd.DataFrame({"宛名番号": ["0012345678"], "年度": ["2024"], "税目": ["04"], "期別": ["01"], "調定額": [100]})
    p = pd.DataFrame({"宛名番号": ["0012345678"], "年度": ["2024"], "税目": ["03"], "期別": ["01"], "収納額": [100]})
    r = explain_unassessed(reconcile(a, p, KEYS), a, KEYS)
    with pytest.raises(BusinessError) as e:
        sanity_checks(r, a, p, KEYS, min_match_rate=0.0)
    text = str(e.value)
    assert "成功にしません" in text and "税目" in text and "台帳: 04" in text and "00******78" in text
    assert "0012345678" not in text
    assert "年度" not in diagnose(a, p, KEYS).split("税目")[0], "only the key that differs is blamed"


def test_masked_keys_keep_their_length():
    assert mask_key("0012345678") == "00******78" and mask_key("123") == "***"


@pytest.mark.parametrize("code,group", [("0", DebitResult.PAID), ("1", DebitResult.NO_FUNDS), ("2", DebitResult.NO_ACCOUNT),
                                        ("3", DebitResult.PAYER_STOPPED), ("4", DebitResult.NO_MANDATE),
                                        ("8", DebitResult.PAYEE_STOPPED), ("9", DebitResult.OTHER), ("E", DebitResult.OTHER)])
def test_debit_result_groups(code, group):
    assert debit_result(code) is group


def test_group_heading_never_passes_for_an_amount_column(tmp_path):
    """The issue's first failure: 調定額 merged over 均等割/法人税割 must not be read as the 調定額 column."""
    with pytest.raises(BusinessError) as e:
        read_ledger(two_row_header(tmp_path / "l.xlsx"), LedgerSpec(required_columns=["宛名番号", "調定額"],
                                                                     amount_columns=["調定額"]))
    text = str(e.value)
    assert "見出しの上の段" in text and "amount_parts: {調定額: [均等割, 法人税割]}" in text and "4〜5 行目" in text

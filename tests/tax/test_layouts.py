"""Ledgers of three 基幹 vendors read by the one standard scenario, told the layout only by configuration.

The municipality files in ``config/municipalities/`` are the ones shipped for the demo. Expected
values come from the demo generator's own rows and from parsing the bank files independently,
never from the robot under test.
"""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from stdnum.jp import cn

from kyodo.robots.reconcile.demo_data import DEMO_VENDORS, VENDORS, _rows, write_demo_tax_inputs
from kyodo.robots.zengin import debit_result, parse_zengin
from kyodo.runner.submit import run_scenario

PEOPLE = 40
CODES = {"mirai": "352047", "asahi": "352071", "hikari": "352080"}


def run(code, **params):
    [r] = run_scenario("tax_reconciliation", [code], params)
    return r


def inputs(home: Path, code: str) -> Path:
    d = home / "data" / code
    write_demo_tax_inputs(d, code, int(code), people=PEOPLE)
    return d


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """Each vendor's demo inputs run once through the standard scenario (shared by the read-only tests)."""
    from kyodo.core.settings import reset_settings
    from tests.conftest import REGISTRY

    home = tmp_path_factory.mktemp("layouts") / "var"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYODO_HOME", str(home))
        mp.setenv("KYODO_REGISTRY", str(REGISTRY))
        mp.delenv("KYODO_DB_URL", raising=False)
        mp.delenv("KYODO_EXECUTOR", raising=False)
        reset_settings()
        out = {}
        for vendor, code in CODES.items():
            d = inputs(home, code)
            out[vendor] = (run(code), d)
        reset_settings()
    return out


def summary(wb):
    return {row[0]: row for row in wb["集計"].iter_rows(min_row=6, max_row=12, values_only=True)}


def section(ws, label, width):
    """Rows of a 集計 section under its header label in column A, until the first empty row."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == label) + 1
    out = []
    for r in range(start, ws.max_row + 1):
        values = [ws.cell(row=r, column=c).value for c in range(1, width + 1)]
        if values[0] is None:
            break
        out.append(values)
    return out


@pytest.mark.parametrize("vendor", sorted(CODES))
def test_each_vendor_layout_reconciles_by_configuration_only(shipped, vendor):
    code = CODES[vendor]
    assert DEMO_VENDORS[code] == vendor
    r, d = shipped[vendor]
    truth = _rows(code, int(code), PEOPLE, VENDORS[vendor])
    assert r.status == "succeeded", r.error
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    s = summary(wb)
    assert s["合計"][2] == sum(t["調定額"] for t in truth), "every ledger row read, none lost to headers or footers"
    assert s["合計"][1] - s["収納のみ"][1] == len(truth)
    paid, failed = 0, []
    for f in sorted((d / "zengin").glob("*.txt")):
        z = parse_zengin(f.read_bytes(), f.name)
        paid += sum(x["引落金額"] for x in z.rows if "引落金額" in x and x["振替結果コード"] == "0")
        paid += sum(x["金額"] for x in z.rows if "金額" in x and x["取消区分"] in ("", "0"))
        failed += [x for x in z.rows if x.get("振替結果コード", "0") != "0"]
    assert s["合計"][3] == paid
    assert s["完納"][1] > len(truth) // 2, "a plausible result, not everything 未納"
    # 振替不能 listed with its reason as 再振替候補, and summarised by 振替結果
    redo = wb["再振替候補"]
    listed = [redo.cell(row=i, column=7).value for i in range(5, 5 + len(failed))]
    assert sorted(listed) == sorted(debit_result(x["振替結果コード"]).value for x in failed)
    assert redo.cell(row=5 + len(failed), column=1).value is None
    debits = {row[0]: row[1] for row in section(wb["集計"], "振替結果", 3)}
    assert debits["合計"] == sum(1 for f in (d / "zengin").glob("furikae_*.txt")
                                 for _ in parse_zengin(f.read_bytes(), f.name).rows)
    assert sum(v for k, v in debits.items() if k not in ("振替済", "合計")) == len(failed)
    files = section(wb["集計"], "ファイル", 9)
    assert {f[0] for f in files} == {"furikae_91.txt", "nyukin_01.txt"} and {f[8] for f in files} == {"一致"}
    assert next(f for f in files if f[0] == "furikae_91.txt")[2] == "2026-10-27", "引落日 in the summary"


def test_corporate_numbers_are_flagged_not_dropped(shipped):
    code = CODES["mirai"]
    truth = _rows(code, int(code), PEOPLE, VENDORS["mirai"])
    bad = {t["法人番号"] for t in truth if not cn.is_valid(t["法人番号"])}
    assert bad
    r, _ = shipped["mirai"]
    assert r.status == "succeeded", r.error
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    header = [c.value for c in wb["要対応"][4]]
    num, note, name = header.index("法人番号") + 1, header.index("確認事項") + 1, header.index("氏名・名称") + 1
    todo = wb["要対応"]
    flagged = {todo.cell(row=i, column=num).value for i in range(5, todo.max_row + 1)
               if "法人番号" in str(todo.cell(row=i, column=note).value or "")}
    assert flagged == bad
    assert all(str(todo.cell(row=i, column=name).value or "").startswith("株式会社") for i in range(5, todo.max_row + 1)
               if todo.cell(row=i, column=num).value)
    detail_rows = sum(wb[s].max_row - 4 for s in ("完納", "一部納付", "過誤納", "重複納付", "未納"))
    assert detail_rows >= len(truth), "rows with a bad 法人番号 are still reconciled"
    checks = {row[0]: row for row in section(wb["集計"], "項目", 3)}
    assert checks["検査数字（法人番号など）"][1] == "要確認"
    assert checks["台帳の合計行"][1] == "OK"
    only = {row[0]: row for row in section(wb["集計"], "項目", 3)}["収納のみの理由"][2]
    assert "台帳にない年度" in only and "台帳にない宛名番号" in only


def test_key_width_mismatch_fails_with_the_explanation(kyodo_home):
    """The 法人 ledger's 宛名番号 has 8 digits; with the standard 10 the run must not report 成功."""
    code = CODES["mirai"]
    inputs(kyodo_home, code)
    r = run(code, key_widths={"宛名番号": 10, "年度": 4, "税目": 2, "期別": 2},
            key_layout={"宛名番号": [0, 10], "年度": [10, 14], "税目": [14, 16], "期別": [16, 18]})
    assert r.status == "failed" and r.error_class == "business"
    assert "成功にしません" in r.error and "0〜8 桁目（8 桁）" in r.error and "key_layout" in r.error
    assert "台帳の未納: 00******01" in r.error, "a few unmatched keys from each side, masked"
    truth = _rows(code, int(code), PEOPLE, VENDORS["mirai"])
    assert not any(t["宛名番号"] in r.error for t in truth), "宛名番号 never unmasked in the error"
    assert not list(r.artifact_dir.glob("*.xlsx"))


def test_wrong_tax_code_mapping_is_named(kyodo_home):
    code = CODES["asahi"]
    inputs(kyodo_home, code)
    r = run(code, value_maps={"税目": {"市県民税": "02"}})
    assert r.status == "failed" and "税目" in r.error and "value_maps" in r.error and "台帳: 02" in r.error


def test_match_rate_floor_is_configurable(kyodo_home):
    code = CODES["hikari"]
    d = inputs(kyodo_home, code)
    wb = load_workbook(d / "固定資産税調定台帳.xlsx")
    ws = wb["固定資産税調定"]
    for row in range(5, 5 + 30):  # a third of the ledger belongs to another 年度 by mistake
        ws.cell(row=row, column=3, value="R7")
    ws.cell(row=ws.max_row, column=6, value=None)  # the footer total no longer applies
    wb.save(d / "固定資産税調定台帳.xlsx")
    r = run(code, min_match_rate=0.95)
    assert r.status == "failed" and "下限 95%" in r.error
    assert run(code, min_match_rate=0.3).status == "succeeded"


def test_footer_total_mismatch_names_the_cell(kyodo_home):
    code = CODES["mirai"]
    d = inputs(kyodo_home, code)
    path = d / "法人市民税調定一覧.xlsx"
    wb = load_workbook(path)
    ws = wb.active
    foot = ws.max_row
    ws.cell(row=foot, column=8, value=ws.cell(row=foot, column=8).value + 100)
    wb.save(path)
    r = run(code)
    assert r.status == "failed" and f"法人市民税調定一覧.xlsx H{foot}" in r.error and "合計行の法人税割" in r.error


def test_reference_date_from_parameter_or_bank_header(kyodo_home):
    code = CODES["asahi"]
    inputs(kyodo_home, code)
    r = run(code, payment_files=["zengin/furikae_91.txt"], reference_date="2025-11-01", min_match_rate=0.5)
    assert r.status == "succeeded", r.error
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    [f] = section(wb["集計"], "ファイル", 9)
    assert f[2] == "2025-10-27", "引落日 1027 read in the year of reference_date"
    checks = {row[0]: row for row in section(wb["集計"], "項目", 3)}
    assert checks["収納日と年度"][1] == "要確認" and "reference_date" in checks["収納日と年度"][2]
    assert run(code, reference_date="令和8年13月1日").status == "failed"


def test_reference_date_defaults_to_the_bank_header(shipped):
    r, _ = shipped["asahi"]
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    checks = {row[0]: row for row in section(wb["集計"], "項目", 3)}
    assert checks["収納日と年度"][1] == "OK" and "振込入金通知の作成日" in checks["収納日と年度"][2]


def test_template_fidelity_on_every_written_row(shipped):
    r, _ = shipped["asahi"]
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    for name in ("要対応", "再振替候補", "完納", "未納", "収納のみ"):
        ws = wb[name]
        assert ws.freeze_panes == "C5" and ws.print_title_rows == "$4:$4", name
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, name
    todo = wb["要対応"]
    last = todo.max_row
    assert last > 6
    for col in ("N", "O"):  # 対応状況・メモ: not written by the robot, styled like the template on every row
        assert todo[f"{col}{last}"].border.left.style == "thin" and todo[f"{col}{last}"].font.name == "游ゴシック"
    assert str(todo.data_validations.dataValidation[0].sqref) == "N5:N20000"
    assert wb["未納"].conditional_formatting is not None


def test_demo_vendors_differ_in_layout(tmp_path):
    """The three layouts really are different files (title rows, header rows, names), not one with new names."""
    from kyodo.robots.workbook import read_values

    heads = {}
    for vendor in ("mirai", "asahi", "hikari"):
        path = write_demo_tax_inputs(tmp_path / vendor, "352047", 1, people=3, vendor=vendor)
        heads[vendor] = [row[:3] for row in read_values(path)[:5]]
    assert len({str(h) for h in heads.values()}) == 3

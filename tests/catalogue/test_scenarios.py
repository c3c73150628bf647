"""The four file-based catalogue scenarios end to end, each on three input variants.

For every scenario: the standard input, a second variant served by a municipality's own file
(config/municipalities/<code>.yaml), and a third variant held out of tuning and configured here
only. Expected figures are computed from the generated data, not copied from a run.
"""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from kyodo.runner.demo.catalogue.facility import write_facility
from kyodo.runner.demo.catalogue.furusato import write_furusato
from kyodo.runner.demo.catalogue.overtime import write_overtime
from kyodo.runner.demo.catalogue.residents import write_residents
from kyodo.runner.submit import run_scenario


def run(name: str, code: str, **params):
    [r] = run_scenario(name, [code], params)
    return r


def sheets(result, prefix: str) -> dict[str, pd.DataFrame]:
    [book] = result.artifact_dir.glob(f"{prefix}*.xlsx")
    return pd.read_excel(book, sheet_name=None, header=None, engine="calamine")


def table(raw: pd.DataFrame, first: str) -> pd.DataFrame:
    """The table under the notes: the row whose first cell is ``first`` is the header."""
    at = raw.index[raw[0] == first][0]
    out = raw.iloc[at + 1:].copy()
    out.columns = raw.iloc[at].tolist()
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- 時間外勤務

HELDOUT_SOURCES = [
    {"files": "総務課_*.xlsx", "layout": "long", "rename": {"職員No": "職員番号", "名前": "氏名", "対象月": "年月", "時間外(時間)": "時間外時間"}},
    {"files": "子育て支援課_*.xlsx", "layout": "long", "rename": {"職員No": "職員番号", "名前": "氏名", "対象月": "年月", "時間外(時間)": "時間外時間"}},
    {"files": "税務課_*.xlsx", "layout": "wide"},
    {"files": "建設課_*.xlsx", "layout": "wide"},
]


@pytest.mark.parametrize("code,layout,params", [
    ("352039", "long", {}),                              # standard
    ("352012", "town", {}),                              # 下関市: its own file configures the column names
    ("352039", "heldout", {"sources": HELDOUT_SOURCES}),  # held out: configured only here
])
def test_overtime_limits_on_three_layouts(data_dir, code, layout, params):
    written = write_overtime(data_dir(code) / "時間外" / "令和7年度", code, long_layout=layout)
    r = run("overtime_aggregation", code, **params)
    assert r.status == "succeeded", r.error
    book = sheets(r, "時間外勤務集約")
    flags = table(book["要確認"], "職員番号")
    people = table(book["職員別一覧"], "職員番号")
    assert len(people) == sum(len(s) for s in written.values())
    for dept, staff in written.items():  # every person's year total equals what the department wrote
        for sid, _name, hours in staff:
            got = people.loc[people["職員番号"].astype(str) == sid, "年度計"].iloc[0]
            assert float(got) == pytest.approx(round(sum(hours), 1), abs=0.05), (dept, sid)
    kinds = set(zip(flags["職員番号"].astype(str), flags["区分"]))
    assert ("10002", "2〜6か月平均80時間超") in kinds and ("10003", "月100時間以上") in kinds
    assert ("10004", "年360時間超") in kinds and ("10001", "月45時間超") in kinds
    assert "令和7年7月" in set(flags.loc[flags["職員番号"].astype(str) == "10003", "対象月"])
    quiet = [sid for staff in written.values() for sid, _n, h in staff if max(h) <= 45 and sum(h) <= 360]
    assert not set(quiet) & set(flags["職員番号"].astype(str))  # nobody flagged without cause


def test_overtime_refuses_unconfigured_files_and_bad_cells(data_dir):
    folder = data_dir("352039") / "時間外" / "令和7年度"
    write_overtime(folder, "352039")
    shutil.copy(folder / "総務課_時間外.xlsx", folder / "議会事務局_時間外.xlsx")
    r = run("overtime_aggregation", "352039")
    assert r.status == "failed" and "議会事務局_時間外.xlsx" in r.error
    (folder / "議会事務局_時間外.xlsx").unlink()
    from openpyxl import load_workbook

    wb = load_workbook(folder / "税務課_時間外.xlsx")
    wb.active["D5"] = "十時間"
    wb.save(folder / "税務課_時間外.xlsx")
    r = run("overtime_aggregation", "352039")
    assert r.status == "failed" and "税務課_時間外.xlsx D5" in r.error and "十時間" in r.error


# ---------------------------------------------------------------- ふるさと納税

PORTAL_C = {"name": "ポータルC", "files": "ポータルC_*.csv",
            "rename": {"受付番号": "寄附ID", "申込日": "寄附日", "寄附者": "寄附者氏名", "フリガナ": "寄附者カナ", "金額": "寄附金額",
                       "ワンストップ": "ワンストップ希望"},
            "derive": {"住所": {"from": ["都道府県", "市区町村以下"], "kind": "concat"}}}


@pytest.mark.parametrize("formats", [("A", "B"), ("A", "C")])
def test_furusato_ledger_and_onestop_matching(data_dir, formats):
    code = "352039"
    made = write_furusato(data_dir(code) / "ふるさと納税", code, formats=formats)
    params = {}
    if "C" in formats:  # the held-out portal: served by adding one entry to portals, nothing else
        from kyodo.runner.scenario.loader import load_scenario

        params["portals"] = [load_scenario("furusato_donations").params["portals"].default[0], PORTAL_C]
    r = run("furusato_donations", code, **params)
    assert r.status == "succeeded", r.error
    book = sheets(r, "寄附台帳")
    ledger = table(book["寄附台帳"], "受付番号")
    donors = [d for f in formats for d in made[f]]
    assert len(ledger) == len(donors) and ledger["寄附金額"].astype(int).sum() == sum(d["amount"] for d in donors)
    assert ledger["受付番号"].tolist() == [f"2025-{i:05d}" for i in range(1, len(donors) + 1)]
    result = table(book["ワンストップ突合"], "申請番号")
    unmatched = set(result.loc[result["判定"] == "未突合", "申請番号"])
    assert unmatched == set(made["bad"])
    matched = result[result["判定"].str.startswith("一致")]
    by_id = {f"{'B-' if d['portal'] == 'B' else d['portal']}{d['id']}": d for d in donors}
    for row in matched.to_dict("records"):  # each match really is the same donor and amount
        d = by_id[str(row["寄附ID"])]
        assert int(row["寄附金額"]) == d["amount"]
        assert str(row["氏名"]).replace(" ", "") in (d["kanji"].replace(" ", ""), d["common"])
    cert = table(book["受領証明書データ"], "証明書番号")
    assert cert["寄附年月日"].str.startswith("令和7年").all() and len(cert) == len(donors)
    assert (r.artifact_dir / f"取込控え_{r.artifact_dir.name[:8]}.zip").exists()


def test_furusato_refuses_a_csv_imported_twice(data_dir):
    base = data_dir("352039") / "ふるさと納税"
    write_furusato(base, "352039")
    shutil.copy(base / "寄附" / "ポータルA_2025.csv", base / "寄附" / "ポータルA_2025_再出力.csv")
    r = run("furusato_donations", "352039")
    assert r.status == "failed" and "2回あります" in r.error and "ポータルA" in r.error


# ---------------------------------------------------------------- 施設予約

HELDOUT_FACILITY = {"column_map": {"申込番号": "予約番号", "施設名称": "施設名", "室名": "室場名", "利用年月日": "利用日",
                                   "利用区分": "利用者区分", "使用料金": "使用料", "取消区分": "状態"},
                    "hours_from": ["利用時間"], "category_map": {"一般": "一般", "団体": "市内団体", "減免": "減免"}}


@pytest.mark.parametrize("code,version,params", [
    ("352039", "v3", {}), ("352063", "v2", {}), ("352039", "v1", HELDOUT_FACILITY)])
def test_facility_usage_on_three_export_versions(data_dir, code, version, params):
    bookings = write_facility(data_dir(code) / "施設予約", code, version=version)
    r = run("facility_usage", code, **params)
    assert r.status == "succeeded", r.error
    book = sheets(r, "施設利用実績")
    monthly = table(book["施設別月別"], "施設名")
    used = [b for b in bookings if b["status"] != "取消"]
    total = monthly[monthly["施設名"] == "合計"].iloc[0]
    assert int(total["件数"]) == len(used)
    assert int(total["使用料"]) == sum(b["fee"] for b in used)
    assert float(total["利用時間"]) == sum(b["end"] - b["start"] for b in used)
    key = (used[0]["facility"], f"{used[0]['day']:%Y-%m}")
    want = [b for b in used if (b["facility"], f"{b['day']:%Y-%m}") == key]
    row = monthly[(monthly["施設名"] == key[0]) & (monthly["利用月"] == key[1])].iloc[0]
    assert int(row["件数"]) == len(want) and int(row["使用料"]) == sum(b["fee"] for b in want)
    cats = table(book["利用者区分別"], "利用者区分")
    assert set(cats["利用者区分"]) <= {"一般", "市内団体", "減免", "合計"}


def test_facility_unknown_category_code_fails_naming_it(data_dir):
    write_facility(data_dir("352063") / "施設予約", "352063", version="v2")
    r = run("facility_usage", "352063", category_map={"1": "一般", "2": "市内団体"})
    assert r.status == "failed" and "対応表に無い値があります: 3" in r.error


# ---------------------------------------------------------------- 住民異動

HELDOUT_RESIDENTS = {"column_map": {"届出日": "異動日", "異動区分": "異動事由", "個人コード": "宛名番号", "名前": "氏名",
                                    "フリガナ": "氏名カナ", "現住所": "住所", "世帯": "世帯番号", "国民健康保険": "国保"},
                     "reason_map": {"転入届": "転入", "転出届": "転出", "転居届": "転居", "出生届": "出生", "死亡届": "死亡",
                                    "世帯主変更届出": "世帯主変更"},
                     "kokuho_map": {"○": "加入"}}
AS_OF = date(2025, 11, 1)


def _age(b: date) -> int:
    return AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day))


def expected_departments(moves: list[dict]) -> dict[str, int]:
    """The default rules, computed here independently from the generated moves."""
    a = [(m, _age(m["birth"])) for m in moves]
    return {
        "子育て支援課（児童手当）": sum(1 for m, g in a if g <= 15 and m["reason"] in ("転入", "転出", "転居", "出生", "死亡")),
        "保険年金課（国保）": sum(1 for m, g in a if m["kokuho"] and m["reason"] in ("転入", "転出", "転居", "死亡", "世帯主変更")),
        "保険年金課（後期高齢）": sum(1 for m, g in a if g >= 75 and m["reason"] in ("転入", "転出", "転居", "死亡")),
        "高齢福祉課（介護保険）": sum(1 for m, g in a if g >= 65 and m["reason"] in ("転入", "転出", "転居", "死亡")),
        "学校教育課": sum(1 for m, g in a if 6 <= g <= 15 and m["reason"] in ("転入", "転出", "転居")),
    }


@pytest.mark.parametrize("code,vendor,params", [
    ("352039", "A", {}), ("353418", "B", {}), ("352039", "C", HELDOUT_RESIDENTS)])
def test_resident_changes_routed_to_departments(data_dir, code, vendor, params):
    moves = write_residents(data_dir(code) / "住民異動", code, vendor=vendor, as_of=AS_OF)
    r = run("resident_change_notice", code, as_of=AS_OF.isoformat(), **params)
    assert r.status == "succeeded", r.error or r.item_errors
    want = expected_departments(moves)
    assert all(n > 0 for n in want.values())
    for dept, n in want.items():
        [book] = r.artifact_dir.glob(f"異動連絡_{dept}_*.xlsx")
        rows = table(pd.read_excel(book, header=None, engine="calamine"), "異動日")
        assert len(rows) == n, dept
        assert "国保" not in rows.columns  # each department gets only its own columns


def test_resident_unknown_reason_code_fails_and_a_typo_in_a_rule_is_flagged(data_dir):
    write_residents(data_dir("352063") / "住民異動", "352063", vendor="B", as_of=AS_OF)
    r = run("resident_change_notice", "352063", as_of=AS_OF.isoformat(),
            reason_map={"01": "転入", "02": "転出", "03": "転居", "11": "出生", "12": "死亡"})
    assert r.status == "failed" and "21" in r.error
    from kyodo.runner.scenario.loader import load_scenario

    rules = load_scenario("resident_change_notice").params["departments"].default
    typo = [dict(rules[0], where=[{"column": "異動事由", "op": "in", "value": ["転人", "出生"]}])]
    r = run("resident_change_notice", "352063", as_of=AS_OF.isoformat(), departments=typo)
    assert r.status == "partial" and any("転人" in e["message"] for e in r.item_errors)


def test_resident_notices_mailed_to_departments_that_ask(data_dir, smtp_server, monkeypatch):
    from kyodo.runner.scenario.loader import load_scenario
    from tests.notify.conftest import SMTP_PASSWORD

    monkeypatch.setenv("KYODO_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("KYODO_SECRET_SMTP_PASSWORD", SMTP_PASSWORD)
    moves = write_residents(data_dir("352039") / "住民異動", "352039", as_of=AS_OF)
    rules = load_scenario("resident_change_notice").params["departments"].default
    rules = [dict(rules[0], mail_to=["kosodate@city.example.lg.jp"]), *rules[1:]]
    before = len(smtp_server.messages)
    r = run("resident_change_notice", "352039", as_of=AS_OF.isoformat(), departments=rules)
    assert r.status == "succeeded", r.error
    [(to, msg, tls)] = smtp_server.messages[before:]
    assert to == ["kosodate@city.example.lg.jp"] and tls
    n = expected_departments(moves)["子育て支援課（児童手当）"]
    assert f"{n} 件" in msg["subject"] and "山口市" in msg["subject"]
    [att] = [p for p in msg.iter_attachments()]
    assert att.get_filename().startswith("異動連絡_子育て支援課（児童手当）_352039_")

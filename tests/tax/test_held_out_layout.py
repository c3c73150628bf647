"""A fourth ledger layout, held out: built here, described only with the clerk's guide (docs/guide_ja.md 7章).

Nothing in robots/ or scenarios/ knows this vendor. The municipality file below was written from
the guide's table of settings alone; if the guide or the reader regress, this test fails.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kyodo.robots.zengin import write_zengin
from kyodo.runner.submit import run_scenario

CODE = "353418"  # 上関町: no demo vendor, no shipped municipality file
FW = str.maketrans("0123456789", "０１２３４５６７８９")

# Written from docs/guide_ja.md 7-2/7-3 only: 2-row header names are "上/下", 年度 is read automatically.
MUNICIPALITY_FILE = """\
tax_reconciliation:
  params:
    ledger: 軽自動車税_調定者一覧.xlsx
    column_map: {納税者/番号: 宛名番号, 納税者/氏名: 氏名, 課税/期: 期別}
    value_maps:
      税目: {軽自動車税: "03"}
      期別: {全期: "01"}
    key_widths: {宛名番号: 9, 年度: 4, 税目: 2, 期別: 2}
    key_layout: {宛名番号: [0, 9], 年度: [9, 13], 税目: [13, 15], 期別: [15, 17]}
    reference_date: 2026-11-20
"""


def hokuto_ledger(path: Path, people: list[tuple[str, str, int]]) -> None:
    """ホクト情報サービス: 3 title rows, groups 納税者/課税 over a second header row, 全期, 計 footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "調定者一覧"
    ws["A1"] = "軽自動車税（種別割）調定者一覧"
    ws.merge_cells("A1:H1")
    ws["A2"] = "ホクト情報サービス　令和8年度"
    ws["A4"], ws["C4"], ws["F4"], ws["G4"], ws["H4"] = "納税者", "課税", "調定額", "納期限", "車両番号"
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:E4")
    for col in "FGH":
        ws.merge_cells(f"{col}4:{col}5")
    for j, name in enumerate(["番号", "氏名", "年度", "税目", "期"], 1):
        ws.cell(row=5, column=j, value=name)
    for i, (number, name, amount) in enumerate(people):
        values = [number.translate(FW) if i % 4 == 0 else number, name, "令和8年度" if i % 2 else "R8", "軽自動車税", "全期",
                  f"{amount:,}円" if i % 3 == 0 else amount, "令和8年5月31日", f"山口 580 あ {i:02d}-{i + 10:02d}"]
        for j, v in enumerate(values, 1):
            ws.cell(row=6 + i, column=j, value=v)
    foot = 6 + len(people)
    ws.cell(row=foot, column=1, value="計")
    ws.cell(row=foot, column=6, value=sum(a for _, _, a in people))
    wb.save(path)


@pytest.fixture()
def held_out(kyodo_home, tmp_path, monkeypatch):
    from kyodo.core.settings import reset_settings

    config = tmp_path / "config"
    shutil.copytree("config", config, ignore=lambda d, names: ["municipalities"] if Path(d).name == "config" else [])
    (config / "municipalities").mkdir()
    (config / "municipalities" / f"{CODE}.yaml").write_text(MUNICIPALITY_FILE, encoding="utf-8")
    monkeypatch.setenv("KYODO_REGISTRY", str(config / "municipalities.yaml"))
    reset_settings()
    d = kyodo_home / "data" / CODE
    (d / "zengin").mkdir(parents=True)
    people = [(f"{700000000 + 37 * i:09d}", f"ホクト タロウ{i}", [3600, 7200, 10800][i % 3]) for i in range(30)]
    hokuto_ledger(d / "軽自動車税_調定者一覧.xlsx", people)
    debits = [{"預金者名": n, "引落金額": a, "顧客番号": f"{k}2026" "03" "01", "振替結果コード": 1 if i % 10 == 3 else 0}
              for i, (k, n, a) in enumerate(people) if i % 10 != 7]
    (d / "zengin" / "kei_91.txt").write_bytes(write_zengin("91", {"委託者名": "アブチョウ", "引落日": date(2026, 5, 29)}, debits))
    return people, debits


def test_a_fourth_layout_needs_only_the_municipality_file(held_out):
    people, debits = held_out
    [r] = run_scenario("tax_reconciliation", [CODE], {})
    assert r.status == "succeeded", r.error
    wb = load_workbook(next(r.artifact_dir.glob("*.xlsx")))
    s = {row[0]: row for row in wb["集計"].iter_rows(min_row=6, max_row=12, values_only=True)}
    paid = [d for d in debits if d["振替結果コード"] == 0]
    assert s["完納"][1] == len(paid) and s["未納"][1] == len(people) - len(paid)
    assert s["合計"][2] == sum(a for _, _, a in people) and s["合計"][3] == sum(d["引落金額"] for d in paid)
    assert s["収納のみ"][1] == 0
    redo = wb["再振替候補"]
    failed = [d for d in debits if d["振替結果コード"] == 1]
    assert [redo.cell(row=5 + i, column=7).value for i in range(len(failed))] == ["資金不足"] * len(failed)
    assert {redo.cell(row=5 + i, column=11).value for i in range(len(failed))} == {"再振替候補"}
    assert redo.cell(row=5, column=9).value.date() == date(2026, 5, 29), "引落日 0529 read with reference_date"

"""Deterministic demo inputs for 調定・収納照合: a messy ledger and 全銀 payment files.

Names are invented; every classification appears so staff can see what each looks like.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from robots.zengin.writer import write_zengin

TAXES = {"01": ("個人住民税", 4), "02": ("固定資産税", 4), "03": ("軽自動車税", 1)}
SURNAMES = ("ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ナカムラ", "コバヤシ", "カトウ")
GIVEN = ("タロウ", "ハナコ", "イチロウ", "ミサキ", "ケンタ", "ヒナ", "ショウ", "ユイ", "ダイキ", "サクラ")
FISCAL_YEAR = 2026
DUE = {1: date(2026, 6, 30), 2: date(2026, 8, 31), 3: date(2026, 10, 31), 4: date(2027, 1, 31)}


def demo_my_number(rng: random.Random) -> str:
    """A fake マイナンバー with a valid check digit (so masking must catch it)."""
    from robots.normalize import my_number_check_digit

    first = f"{rng.randint(1, 9)}{rng.randint(0, 10**10 - 1):010d}"
    return first + my_number_check_digit(first)


def _ledger_rows(code: str, seed: int, people: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for n in range(people):
        atena = f"{int(code[:5]) % 1000:03d}{n + 1:07d}"
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        my_number = demo_my_number(rng)
        for tax, (_, periods) in TAXES.items():
            if rng.random() < 0.35:
                continue
            amount = rng.randint(30, 600) * 100
            for ki in range(1, periods + 1):
                rows.append({"宛名番号": atena, "氏名": name, "個人番号": my_number, "年度": FISCAL_YEAR, "税目": tax, "期別": f"{ki:02d}",
                             "調定額": amount, "納期限": DUE[ki] if periods > 1 else date(2026, 5, 31)})
    return rows


def write_demo_tax_inputs(dest_dir: Path, municipality_code: str, seed: int, people: int = 250) -> None:
    """Write ``ledger.xlsx`` and ``zengin/*.txt`` for one municipality into ``dest_dir``."""
    from openpyxl import Workbook

    from robots.normalize.wareki import to_wareki
    from robots.reconcile.template import ERA_DATE

    rng = random.Random(seed + 1)
    rows = _ledger_rows(municipality_code, seed, people)
    dest_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "調定簿"
    ws["A1"] = f"令和8年度 調定簿（{municipality_code}）"
    ws["A2"] = "出力日: 令和8年11月20日"
    ws["A4"], ws["C4"] = "納税義務者", "調定"
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:H4")
    header = ["宛名番号", "氏名", "個人番号", "年度", "税目", "期別", "調定額", "納期限"]
    for j, h in enumerate(header, 1):
        ws.cell(row=5, column=j, value=h)
    fw = str.maketrans("0123456789,", "０１２３４５６７８９，")
    for i, r in enumerate(rows):
        messy = i % 7 == 0
        values = [
            r["宛名番号"].translate(fw) if messy else r["宛名番号"],
            r["氏名"],
            r["個人番号"],
            str(r["年度"]).translate(fw) if i % 11 == 0 else r["年度"],
            r["税目"],
            str(int(r["期別"])) if i % 5 == 0 else r["期別"],
            f"{r['調定額']:,}".translate(fw) if messy else r["調定額"],
            to_wareki(r["納期限"]) if i % 3 == 0 else r["納期限"],
        ]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=6 + i, column=j, value=v)
            if j == 8 and isinstance(v, date):
                c.number_format = ERA_DATE
    wb.save(dest_dir / "ledger.xlsx")

    furikae, nyukin = [], []
    for r in rows:
        key = f"{r['宛名番号']}{r['年度']}{r['税目']}{r['期別']}".ljust(20)
        roll = rng.random()
        amount = r["調定額"]
        if roll < 0.06:
            continue  # 未納
        if roll < 0.09:
            furikae.append({"預金者名": r["氏名"], "引落金額": amount, "顧客番号": key, "振替結果コード": 1})  # 資金不足 → 未納
            continue
        if roll < 0.13:
            amount = amount - rng.randint(1, max(1, amount // 100 - 1)) * 100  # 一部納付
        elif roll < 0.15:
            amount += 1000  # 過誤納
        if rng.random() < 0.6:
            furikae.append({"預金者名": r["氏名"], "引落金額": amount, "顧客番号": key, "振替結果コード": 0})
        else:
            nyukin.append({"金額": amount, "振込依頼人名": r["氏名"], "EDI情報": key, "勘定日": date(2026, 11, 5),
                           "起算日": date(2026, 11, 5)})
        if 0.15 <= roll < 0.17:
            nyukin.append({"金額": amount, "振込依頼人名": r["氏名"], "EDI情報": key, "勘定日": date(2026, 11, 10),
                           "起算日": date(2026, 11, 10)})  # 重複納付
    for k in range(max(1, len(rows) // 200)):
        nyukin.append({"金額": 5000, "振込依頼人名": "フメイ", "EDI情報": f"9{k:09d}{FISCAL_YEAR}0101".ljust(20),
                       "勘定日": date(2026, 11, 12), "起算日": date(2026, 11, 12)})  # 収納のみ
    for i, r in enumerate(nyukin):
        r["照会番号"] = i + 1
    zdir = dest_dir / "zengin"
    zdir.mkdir(exist_ok=True)
    (zdir / "furikae_91.txt").write_bytes(write_zengin("91", {"委託者名": "ヤマグチケン", "引落日": date(2026, 10, 27)}, furikae))
    (zdir / "nyukin_01.txt").write_bytes(write_zengin(
        "01", {"作成日": date(2026, 11, 20), "勘定日自": date(2026, 11, 1), "勘定日至": date(2026, 11, 20)}, nyukin, crlf=False, eof=True))

"""Deterministic demo inputs for 調定・収納照合: ledgers from four fictional 基幹 systems and 全銀 files.

Each municipality's 基幹 system exports its ledger in its own layout; kyodo reads every one with
the one standard scenario, told the layout by the municipality's file ``config/municipalities/<code>.yaml``
(no code). Names and numbers are invented; every 区分 and every 振替結果 appears so staff can see
what each looks like.

- ``standard``: the layout of the scenario's defaults (10-digit 宛名番号, one header row under group headings).
- ``mirai`` (ミライ基幹システム, 法人住民税): two title rows, a two-row header with 調定額 merged over 均等割 and
  法人税割, 8-digit 宛名番号, 法人番号 (a few with wrong check digits), 年度 ``令和8年度``, 税目 ``法人市民税``,
  期別 ``中間``/``確定``, 納期限 partly text in two 和暦 styles, and a 合計 footer.
- ``asahi`` (アサヒ電算, 個人住民税 普通徴収): other column names (あて名番号, 課税年度, 期), 税目 ``市県民税``,
  期 ``第1期``, amounts as text ``12,300円``, 小計 rows and a 総計 footer.
- ``hikari`` (ひかり情報, 固定資産税): sheet ``固定資産税調定``, group headings, 12-digit 宛名コード, 年度 ``R8``,
  税額 instead of 調定額, dates shown in 和暦, a 合計 footer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.jp import cn

from kyodo.robots.normalize import my_number_check_digit
from kyodo.robots.normalize.wareki import to_wareki
from kyodo.robots.workbook.template import ERA_DATE
from kyodo.robots.zengin.writer import write_zengin

TAXES = {"01": ("個人住民税", 4), "02": ("固定資産税", 4), "03": ("軽自動車税", 1)}
SURNAMES = ("ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ナカムラ", "コバヤシ", "カトウ")
GIVEN = ("タロウ", "ハナコ", "イチロウ", "ミサキ", "ケンタ", "ヒナ", "ショウ", "ユイ", "ダイキ", "サクラ")
COMPANIES = ("ミライ商事", "アオバ建設", "サクラ食品", "ヒカリ運輸", "ミナト工業", "ヤマネ設計", "ホシノ物産", "カワセ電機")
FISCAL_YEAR = 2026
DUE = {1: date(2026, 6, 30), 2: date(2026, 8, 31), 3: date(2026, 10, 31), 4: date(2027, 1, 31)}
FW = str.maketrans("0123456789,", "０１２３４５６７８９，")
# Which demo municipality's 基幹 system exports which layout (the rest use ``standard``).
DEMO_VENDORS = {"352047": "mirai", "352152": "mirai", "352071": "asahi", "352101": "asahi", "352080": "hikari",
                "353051": "hikari"}
# 振替結果コード of failed debits in the demo: 資金不足 most, then the rarer ones, incl. a bank's own "E".
FAIL_CODES = ("1", "1", "1", "1", "2", "3", "4", "8", "9", "E")


def demo_my_number(rng: random.Random) -> str:
    """A fake マイナンバー with a valid check digit (so masking must catch it)."""
    first = f"{rng.randint(1, 9)}{rng.randint(0, 10**10 - 1):010d}"
    return first + my_number_check_digit(first)


def demo_corporate_number(rng: random.Random, valid: bool = True) -> str:
    """A fake 法人番号 (13 digits, check digit first); ``valid=False`` gives a wrong check digit."""
    base = f"{rng.randint(1, 9)}{rng.randint(0, 10**11 - 1):011d}"
    check = cn.calc_check_digit(base)
    return (check if valid else str((int(check) + 1 + rng.randint(0, 7)) % 10)) + base


@dataclass(frozen=True)
class Vendor:
    """One fictional 基幹 system: what it assesses, its key format, and how it writes the ledger."""

    title: str
    file: str
    taxes: dict[str, tuple[str, int]]  # code → (name, number of periods)
    key_width: int
    write: Callable[[Path, list[dict], str, random.Random], None]
    ref_fill: str = " "  # what the bank reference is padded with to 20 characters (some systems add a 枝番 0000)


def _rows(code: str, seed: int, people: int, vendor: Vendor) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    corporate = vendor.taxes.keys() == {"04"}
    for n in range(people):
        atena = f"{int(code[:5]) % 1000:03d}{n + 1:0{vendor.key_width - 3}d}"
        name = f"株式会社{rng.choice(COMPANIES)}{n + 1}" if corporate else f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        extra = {"法人番号": demo_corporate_number(rng, valid=n % 23 != 5)} if corporate else {"個人番号": demo_my_number(rng)}
        for tax, (_, periods) in vendor.taxes.items():
            if not corporate and rng.random() < 0.35:
                continue
            amount = rng.randint(30, 600) * 100
            for ki in range(1, periods + 1):
                due = DUE[ki] if periods > 1 and not corporate else (date(2026, 5, 31) if ki == 1 else date(2026, 11, 30))
                part = {"均等割": 50000 + 10000 * (n % 3), "法人税割": amount * 3} if corporate else {}
                rows.append({"宛名番号": atena, "氏名": name, **extra, "年度": FISCAL_YEAR, "税目": tax, "期別": f"{ki:02d}",
                             "調定額": sum(part.values()) if part else amount, **part, "納期限": due})
    return rows


def _cell(ws: Any, row: int, col: int, value: Any, era: bool = False) -> None:
    c = ws.cell(row=row, column=col, value=value)
    if era and isinstance(value, date):
        c.number_format = ERA_DATE


def _write_standard(ws: Any, rows: list[dict], code: str, rng: random.Random) -> None:
    ws.title = "調定簿"
    ws["A1"] = f"令和8年度 調定簿（{code}）"
    ws["A2"] = "出力日: 令和8年11月20日"
    ws["A4"], ws["C4"] = "納税義務者", "調定"
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:H4")
    for j, h in enumerate(["宛名番号", "氏名", "個人番号", "年度", "税目", "期別", "調定額", "納期限"], 1):
        ws.cell(row=5, column=j, value=h)
    for i, r in enumerate(rows):
        messy = i % 7 == 0
        values = [r["宛名番号"].translate(FW) if messy else r["宛名番号"], r["氏名"], r["個人番号"],
                  str(r["年度"]).translate(FW) if i % 11 == 0 else r["年度"], r["税目"],
                  str(int(r["期別"])) if i % 5 == 0 else r["期別"],
                  f"{r['調定額']:,}".translate(FW) if messy else r["調定額"],
                  to_wareki(r["納期限"]) if i % 3 == 0 else r["納期限"]]
        for j, v in enumerate(values, 1):
            _cell(ws, 6 + i, j, v, era=j == 8)


def _write_mirai(ws: Any, rows: list[dict], code: str, rng: random.Random) -> None:
    """法人住民税: two title rows, 調定額 merged over 均等割/法人税割 (rows 4–5), a 合計 footer."""
    ws.title = "法人市民税"
    ws["A1"] = "令和8年度 法人市民税 調定一覧"
    ws.merge_cells("A1:I1")
    ws["A2"] = "ミライ基幹システム　出力日 令和8年11月20日"
    heads = ["宛名番号", "法人番号", "法人名", "年度", "税目", "期別", None, None, "納期限"]
    for j, h in enumerate(heads, 1):
        if h:
            ws.cell(row=4, column=j, value=h)
            ws.merge_cells(start_row=4, start_column=j, end_row=5, end_column=j)
    ws["G4"], ws["G5"], ws["H5"] = "調定額", "均等割", "法人税割"
    ws.merge_cells("G4:H4")
    for i, r in enumerate(rows):
        due = r["納期限"]
        values = [r["宛名番号"].translate(FW) if i % 6 == 0 else r["宛名番号"], r["法人番号"], r["氏名"], "令和8年度",
                  "法人市民税", "中間" if r["期別"] == "01" else "確定", r["均等割"], r["法人税割"],
                  to_wareki(due) if i % 3 == 0 else to_wareki(due, short=True) if i % 3 == 1 else due]
        for j, v in enumerate(values, 1):
            _cell(ws, 6 + i, j, v, era=j == 9)
    foot = 6 + len(rows)
    ws.cell(row=foot, column=1, value="合計")
    ws.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=6)
    ws.cell(row=foot, column=7, value=sum(r["均等割"] for r in rows))
    ws.cell(row=foot, column=8, value=sum(r["法人税割"] for r in rows))


def _write_asahi(ws: Any, rows: list[dict], code: str, rng: random.Random) -> None:
    """個人住民税: other column names, 第1期, amounts as text, 小計 every 40 rows, 総計 footer."""
    ws.title = "調定明細"
    ws["A1"] = "個人住民税（普通徴収）調定明細表　アサヒ電算"
    ws["A2"] = "課税年度: 2026"
    for j, h in enumerate(["あて名番号", "氏名", "個人番号", "課税年度", "税目", "期", "調定額", "納期限"], 1):
        ws.cell(row=3, column=j, value=h)
    r_out, sub = 4, 0
    for i, r in enumerate(rows):
        values = [r["宛名番号"], r["氏名"], r["個人番号"], str(r["年度"]).translate(FW) if i % 4 == 0 else r["年度"], "市県民税",
                  f"第{int(r['期別'])}期", f"{r['調定額']:,}円" if i % 2 else r["調定額"],
                  to_wareki(r["納期限"]) if i % 2 else to_wareki(r["納期限"], short=True)]
        for j, v in enumerate(values, 1):
            _cell(ws, r_out, j, v)
        r_out, sub = r_out + 1, sub + r["調定額"]
        if (i + 1) % 40 == 0:
            ws.cell(row=r_out, column=1, value="小計")
            ws.cell(row=r_out, column=7, value=sub)
            r_out, sub = r_out + 1, 0
    ws.cell(row=r_out, column=1, value="総 計")
    ws.cell(row=r_out, column=7, value=f"{sum(r['調定額'] for r in rows):,}円")


def _write_hikari(ws: Any, rows: list[dict], code: str, rng: random.Random) -> None:
    """固定資産税: sheet 固定資産税調定, group headings, 12-digit 宛名コード, R8, 税額, 和暦 date cells, 合計."""
    ws.title = "固定資産税調定"
    ws["A1"] = "固定資産税・都市計画税 調定台帳"
    ws["F1"] = "ひかり情報 TAX-NEXT"
    ws["A3"], ws["C3"] = "納税義務者", "課税"
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:G3")
    for j, h in enumerate(["宛名コード", "納税義務者氏名", "年度", "税目コード", "期別", "税額", "納期限"], 1):
        ws.cell(row=4, column=j, value=h)
    for i, r in enumerate(rows):
        values = [r["宛名番号"], r["氏名"], "R8", int(r["税目"]), int(r["期別"]), r["調定額"], r["納期限"]]
        for j, v in enumerate(values, 1):
            _cell(ws, 5 + i, j, v, era=j == 7)
    foot = 5 + len(rows)
    ws.cell(row=foot, column=1, value="合計")
    ws.cell(row=foot, column=6, value=sum(r["調定額"] for r in rows))


def _w(fn: Callable[[Any, list[dict], str, random.Random], None]) -> Callable[[Path, list[dict], str, random.Random], None]:
    def write(path: Path, rows: list[dict], code: str, rng: random.Random) -> None:
        wb = Workbook()
        fn(wb.active, rows, code, rng)
        wb.save(path)
    return write


VENDORS = {
    "standard": Vendor("標準レイアウト", "ledger.xlsx", TAXES, 10, _w(_write_standard)),
    "mirai": Vendor("ミライ基幹システム（法人住民税）", "法人市民税調定一覧.xlsx", {"04": ("法人市民税", 2)}, 8, _w(_write_mirai), "0"),
    "asahi": Vendor("アサヒ電算（個人住民税）", "個人住民税調定明細.xlsx", {"01": ("個人住民税", 4)}, 10, _w(_write_asahi)),
    "hikari": Vendor("ひかり情報（固定資産税）", "固定資産税調定台帳.xlsx", {"02": ("固定資産税", 4)}, 12, _w(_write_hikari)),
}


def _payments(rows: list[dict], rng: random.Random, key_width: int, fill: str = " ") -> tuple[list[dict], list[dict]]:
    """口座振替 (some failing with each 振替結果コード) and 振込 records for the ledger rows."""
    furikae, nyukin = [], []
    for r in rows:
        key = f"{r['宛名番号']}{r['年度']}{r['税目']}{r['期別']}".ljust(20, fill)
        roll = rng.random()
        amount = r["調定額"]
        if roll < 0.06:
            continue  # 未納
        if roll < 0.09:
            code = FAIL_CODES[int(roll * 1000) % len(FAIL_CODES)]
            furikae.append({"預金者名": r["氏名"], "引落金額": amount, "顧客番号": key, "振替結果コード": code})  # 振替不能 → 未納
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
    tax = rows[0]["税目"] if rows else "01"
    for k in range(max(1, len(rows) // 200)):
        nyukin.append({"金額": 5000, "振込依頼人名": "フメイ", "EDI情報": f"9{k:0{key_width - 1}d}{FISCAL_YEAR}{tax}01".ljust(20, fill),
                       "勘定日": date(2026, 11, 12), "起算日": date(2026, 11, 12)})  # 収納のみ: unknown payer
    nyukin.append({"金額": 3000, "振込依頼人名": rows[0]["氏名"] if rows else "テスト", "EDI情報":
                   f"{rows[0]['宛名番号'] if rows else '1' * key_width}{FISCAL_YEAR - 1}{tax}01".ljust(20, fill)[:20],
                   "勘定日": date(2026, 11, 12), "起算日": date(2026, 11, 12)})  # 収納のみ: last year's tax
    for i, r in enumerate(nyukin):
        r["照会番号"] = i + 1
    return furikae, nyukin


def write_demo_tax_inputs(dest_dir: Path, municipality_code: str, seed: int, people: int = 250,
                          vendor: str | None = None) -> Path:
    """Write the municipality's ledger (in its vendor's layout) and ``zengin/*.txt``; returns the ledger path."""
    v = VENDORS[vendor or DEMO_VENDORS.get(municipality_code, "standard")]
    rng = random.Random(seed + 1)
    rows = _rows(municipality_code, seed, people, v)
    dest_dir.mkdir(parents=True, exist_ok=True)
    ledger = dest_dir / v.file
    v.write(ledger, rows, municipality_code, rng)
    furikae, nyukin = _payments(rows, rng, v.key_width, v.ref_fill)
    zdir = dest_dir / "zengin"
    zdir.mkdir(exist_ok=True)
    (zdir / "furikae_91.txt").write_bytes(write_zengin("91", {"委託者名": "ヤマグチケン", "引落日": date(2026, 10, 27)}, furikae))
    (zdir / "nyukin_01.txt").write_bytes(write_zengin(
        "01", {"作成日": date(2026, 11, 20), "勘定日自": date(2026, 11, 1), "勘定日至": date(2026, 11, 20)}, nyukin, crlf=False, eof=True))
    return ledger

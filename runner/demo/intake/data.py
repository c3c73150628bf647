"""Demo applications to enter: a staff workbook per municipality in one of three layouts.

Layouts (served by configuration alone, see ``scenarios/child_allowance_entry.yaml``):

- ``standard``: title rows, header on row 3, the standard column names, 西暦 dates;
- ``town``: another town's own sheet: other column names, 和暦 dates (令和5年4月1日), 全角 digits;
- ``heldout``: a third layout kept out of tuning: columns in another order, R5.4.1 dates,
  a notes sheet first and the list on a sheet named 申請一覧.

With ``problems`` (the default; the tests use it) a batch contains one item the system refuses
(bad 郵便番号) and one applicant already registered under another 受付番号 (duplicate). ``make demo``
writes clean batches, since a 要確認 item makes its run "partial" and the demo's exit status 1.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kyodo.robots.normalize import to_wareki

SURNAMES = ("山本", "田中", "中村", "藤井", "河村", "松田", "岡本", "原田", "林", "吉田", "村上", "石川")
GIVEN = (("健一", "ケンイチ"), ("美咲", "ミサキ"), ("大輔", "ダイスケ"), ("由美", "ユミ"), ("翔太", "ショウタ"), ("麻衣", "マイ"))
SURNAME_KANA = {"山本": "ヤマモト", "田中": "タナカ", "中村": "ナカムラ", "藤井": "フジイ", "河村": "カワムラ", "松田": "マツダ",
                "岡本": "オカモト", "原田": "ハラダ", "林": "ハヤシ", "吉田": "ヨシダ", "村上": "ムラカミ", "石川": "イシカワ"}
CHILDREN = ("陽翔", "結菜", "蓮", "陽葵", "湊", "紬")
BANKS = ("山口銀行", "西京銀行", "ゆうちょ銀行")

STANDARD = ("受付番号", "申請者氏名", "申請者カナ", "申請者生年月日", "郵便番号", "住所", "電話番号", "続柄",
            "児童氏名", "児童生年月日", "児童性別", "金融機関", "預金種目", "口座番号", "公務員")
TOWN = ("申請番号", "請求者氏名", "フリガナ", "請求者生年月日", "〒", "現住所", "連絡先", "児童との続柄",
        "対象児童氏名", "対象児童生年月日", "性別", "振込先金融機関", "種目", "口座番号", "公務員区分")
HELDOUT_ORDER = (8, 9, 10, 0, 1, 2, 3, 7, 4, 5, 6, 11, 12, 13, 14)


def applications(code: str, n: int, seed: int, problems: bool = True) -> list[tuple]:
    """``n`` applications in the standard column order; with ``problems`` the last two are a bad and a duplicate item."""
    rnd = random.Random(f"{code}-{seed}")
    out = []
    for i in range(n):
        sur = rnd.choice(SURNAMES)
        given, kana = rnd.choice(GIVEN)
        birth = date(rnd.randint(1978, 1996), rnd.randint(1, 12), rnd.randint(1, 28))
        child_birth = date(rnd.randint(2012, 2025), rnd.randint(1, 12), rnd.randint(1, 28))
        out.append([
            f"2026-{int(code) % 1000:03d}{seed % 10}{i + 1:02d}", f"{sur} {given}", f"{SURNAME_KANA[sur]} {kana}", birth,
            f"7{rnd.randint(40, 59)}-{rnd.randint(0, 9999):04d}", f"山口県{rnd.choice(('中央', '本町', '旭町'))}{rnd.randint(1, 9)}丁目{rnd.randint(1, 30)}-{rnd.randint(1, 20)}",
            f"083-{rnd.randint(200, 999)}-{rnd.randint(1000, 9999)}", rnd.choice(("父", "母")), f"{sur} {rnd.choice(CHILDREN)}",
            child_birth, rnd.choice(("男", "女")), rnd.choice(BANKS), "普通", f"{rnd.randint(0, 9999999):07d}",
            "はい" if rnd.random() < 0.1 else "いいえ",
        ])
    if problems and n >= 3:
        out[-2][4] = "75-31"  # the system refuses this 郵便番号
        dup = list(out[0])
        dup[0] = out[-1][0]
        out[-1] = dup  # same applicant as the first item, under another 受付番号
    return [tuple(r) for r in out]


def _zen(text: str) -> str:
    return text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))


def write_workbook(path: Path, code: str, name: str, *, n: int = 5, layout: str = "standard", seed: int = 1,
                   problems: bool = True) -> list[tuple]:
    """Write the staff's workbook of applications; return the rows (standard order)."""
    rows = applications(code, n, seed, problems)
    wb = Workbook()
    ws = wb.active
    if layout == "heldout":
        ws.title = "メモ"
        ws["A1"] = "このブックは担当者の控えです。申請一覧シートに入力してください。"
        ws = wb.create_sheet("申請一覧")
        header = [STANDARD[i] for i in HELDOUT_ORDER]
        ws.append(header)
        for r in rows:
            vals = [r[i] for i in HELDOUT_ORDER]
            ws.append([to_wareki(v, short=True) if isinstance(v, date) else v for v in vals])
    else:
        ws.title = "申請一覧"
        ws["A1"] = f"児童手当 認定請求 受付一覧（{name}）"
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
        ws.append(list(STANDARD if layout == "standard" else TOWN))
        for c in ws[3]:
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            c.font = Font(bold=True)
        for r in rows:
            if layout == "town":
                r = tuple(to_wareki(v) if isinstance(v, date) else (_zen(v) if i in (4, 6, 13) else v) for i, v in enumerate(r))
            ws.append(list(r))
    for col in "ABCDEFGHIJKLMNO":
        ws.column_dimensions[col].width = 16
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return rows

"""Demo 住民異動 exports of three vendors' 住記 systems (two tuned, one held out).

- ``A`` (UTF-8 BOM): 異動日, 異動事由 (転入/転出/転居/出生/死亡/世帯主変更), 宛名番号, 氏名, 氏名カナ, 生年月日,
  性別, 住所, 世帯番号, 国保 (加入/非加入);
- ``B`` (Shift_JIS): 異動年月日 (R7.10.1), 異動事由コード (01…), 住民コード, 漢字氏名, カナ氏名, 生年月日 (S60.4.1),
  性別コード, 住所, 世帯コード, 国保区分 (1/0);
- ``C`` (held out of tuning): 届出日 (2025年10月1日), 異動区分 (転入届/転出届/…), 個人コード, 名前, フリガナ,
  生年月日 (1985-04-01), 性別, 現住所, 世帯, 国民健康保険 (○/空).
Every batch holds every kind of move and every age band, so each department gets rows.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from kyodo.robots.normalize import to_wareki

REASONS = {"転入": "01", "転出": "02", "転居": "03", "出生": "11", "死亡": "12", "世帯主変更": "21"}
NAMES = (("山本", "ヤマモト"), ("田中", "タナカ"), ("中村", "ナカムラ"), ("藤井", "フジイ"), ("河村", "カワムラ"))
GIVEN = (("太郎", "タロウ"), ("花子", "ハナコ"), ("蓮", "レン"), ("結衣", "ユイ"), ("茂", "シゲル"), ("トメ", "トメ"))
AGES = (0, 4, 8, 12, 14, 17, 30, 45, 66, 70, 78, 85)


def moves(code: str, n: int, as_of: date) -> list[dict]:
    rnd = random.Random(f"residents-{code}")
    out = []
    reasons = list(REASONS)
    for i in range(n):
        reason = reasons[i % len(reasons)] if i < len(reasons) * 2 else rnd.choice(reasons)
        age = 0 if reason == "出生" else AGES[i % len(AGES)] if i < len(AGES) * 2 else rnd.choice(AGES)
        birth = as_of.replace(year=as_of.year - age) - timedelta(days=rnd.randint(1, 300))
        sur, given = rnd.choice(NAMES), rnd.choice(GIVEN)
        out.append({"day": as_of - timedelta(days=rnd.randint(1, 28)), "reason": reason, "id": f"{int(code) % 1000:03d}{i + 1:07d}",
                    "name": f"{sur[0]} {given[0]}", "kana": f"{sur[1]} {given[1]}", "birth": birth, "sex": rnd.choice(("男", "女")),
                    "address": f"山口県{rnd.choice(('中央', '本町', '旭町'))}{rnd.randint(1, 5)}丁目{rnd.randint(1, 20)}番{rnd.randint(1, 9)}号",
                    "household": f"H{rnd.randint(1, 9999):06d}", "kokuho": 30 <= age < 75 and (i % 2 == 0 or rnd.random() < 0.5)})
    return out


def write_moves(path: Path, vendor: str, ms: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if vendor == "A":
        header = ["異動日", "異動事由", "宛名番号", "氏名", "氏名カナ", "生年月日", "性別", "住所", "世帯番号", "国保"]
        rows = [[m["day"].strftime("%Y/%m/%d"), m["reason"], m["id"], m["name"], m["kana"], m["birth"].strftime("%Y/%m/%d"), m["sex"],
                 m["address"], m["household"], "加入" if m["kokuho"] else "非加入"] for m in ms]
        enc = "utf-8-sig"
    elif vendor == "B":
        header = ["異動年月日", "異動事由コード", "住民コード", "漢字氏名", "カナ氏名", "生年月日", "性別コード", "住所", "世帯コード", "国保区分"]
        rows = [[to_wareki(m["day"], short=True), REASONS[m["reason"]], m["id"], m["name"], m["kana"], to_wareki(m["birth"], short=True),
                 "1" if m["sex"] == "男" else "2", m["address"], m["household"], "1" if m["kokuho"] else "0"] for m in ms]
        enc = "cp932"
    else:
        header = ["届出日", "異動区分", "個人コード", "名前", "フリガナ", "生年月日", "性別", "現住所", "世帯", "国民健康保険"]
        rows = [[f"{m['day'].year}年{m['day'].month}月{m['day'].day}日", m["reason"] + ("届" if m["reason"] != "世帯主変更" else "届出"),
                 m["id"], m["name"], m["kana"], m["birth"].isoformat(), m["sex"], m["address"], m["household"], "○" if m["kokuho"] else ""]
                for m in ms]
        enc = "cp932"
    with open(path, "w", encoding=enc, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def write_residents(folder: Path, code: str, *, vendor: str = "A", n: int = 30, as_of: date = date(2025, 11, 1)) -> list[dict]:
    ms = moves(code, n, as_of)
    write_moves(folder / "住民異動_202510.csv", vendor, ms)
    return ms

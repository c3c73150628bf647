"""Demo exports of the shared 施設予約 system in three versions (two tuned, one held out).

- ``v3`` (UTF-8 BOM): 予約番号, 施設名, 室場名, 利用日 (2025/10/03), 開始時刻, 終了時刻, 利用者区分 (名称),
  使用料 (1200), 状態 (利用済/予約/取消);
- ``v2`` (Shift_JIS, older version some towns run): 受付番号, 施設, 部屋, 使用日 (R7.10.3), 時間帯 (09:00～12:00),
  区分コード (1/2/3), 料金 (「1,200」), ステータス;
- ``v1`` (held out of tuning): 申込番号, 施設名称, 室名, 利用年月日 (2025年10月3日), 利用時間 (9時～12時),
  利用区分, 使用料金 (「1,200円」), 取消区分 (空 / 取消).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from kyodo.robots.normalize import to_wareki

FACILITIES = {"市民会館": ("大ホール", "会議室1", "会議室2"), "総合体育館": ("アリーナ", "柔道場"), "中央公民館": ("和室", "調理室")}
CATEGORIES = {"一般": "1", "市内団体": "2", "減免": "3"}
RATE = {"大ホール": 8000, "アリーナ": 3000, "柔道場": 800, "会議室1": 600, "会議室2": 600, "和室": 400, "調理室": 500}


def bookings(code: str, n: int) -> list[dict]:
    rnd = random.Random(f"facility-{code}")
    out = []
    for i in range(n):
        fac = rnd.choice(list(FACILITIES))
        room = rnd.choice(FACILITIES[fac])
        start = rnd.choice((9, 10, 13, 14, 18))
        hours = rnd.choice((1, 2, 3))
        cat = rnd.choice(list(CATEGORIES))
        fee = 0 if cat == "減免" else RATE[room] * hours // (2 if cat == "市内団体" else 1)
        out.append({"no": f"{i + 1:05d}", "facility": fac, "room": room,
                    "day": date(2025, 9, 1) + timedelta(days=rnd.randint(0, 60)), "start": start, "end": start + hours,
                    "category": cat, "fee": fee, "status": "取消" if rnd.random() < 0.1 else "利用済"})
    return out


def write_export(path: Path, version: str, bs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if version == "v3":
        header = ["予約番号", "施設名", "室場名", "利用日", "開始時刻", "終了時刻", "利用者区分", "使用料", "状態"]
        rows = [[b["no"], b["facility"], b["room"], b["day"].strftime("%Y/%m/%d"), f"{b['start']:02d}:00", f"{b['end']:02d}:00",
                 b["category"], b["fee"], b["status"]] for b in bs]
        enc = "utf-8-sig"
    elif version == "v2":
        header = ["受付番号", "施設", "部屋", "使用日", "時間帯", "区分コード", "料金", "ステータス"]
        rows = [[b["no"], b["facility"], b["room"], to_wareki(b["day"], short=True), f"{b['start']:02d}:00～{b['end']:02d}:00",
                 CATEGORIES[b["category"]], f"{b['fee']:,}", b["status"]] for b in bs]
        enc = "cp932"
    else:
        header = ["申込番号", "施設名称", "室名", "利用年月日", "利用時間", "利用区分", "使用料金", "取消区分"]
        rows = [[b["no"], b["facility"], b["room"], f"{b['day'].year}年{b['day'].month}月{b['day'].day}日", f"{b['start']}時～{b['end']}時",
                 b["category"].replace("市内団体", "団体"), f"{b['fee']:,}円", "取消" if b["status"] == "取消" else ""] for b in bs]
        enc = "cp932"
    with open(path, "w", encoding=enc, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def write_facility(folder: Path, code: str, *, version: str = "v3", n: int = 40) -> list[dict]:
    bs = bookings(code, n)
    write_export(folder / "施設予約_利用実績.csv", version, bs)
    return bs

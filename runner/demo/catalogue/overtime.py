"""Demo overtime workbooks per department, in three layouts (two tuned, one held out).

- ``long`` (総務課, 子育て支援課): a row per person and month, 年月 in 和暦 (令和7年4月), decimal hours;
- ``wide`` (税務課, 建設課): title row 「令和7年度 …」, a column per month 「4月」…「3月」, hours as h:mm;
- ``town`` (long, another town's own sheet): 職員コード / 職員名 / 勤務年月 (R7.4) / 超過勤務時間;
- ``heldout`` (kept out of tuning): 職員No / 名前 / 対象月 (Excel dates) / 時間外（時間） as 「12時間30分」,
  a 合計 row at the bottom.

A few people are built to cross each legal limit, so the flagged list is never empty by chance.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from kyodo.robots.normalize import to_wareki

FY = 2025
MONTHS = [date(FY + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
NAMES = ("山本 健一", "田中 美咲", "中村 大輔", "藤井 由美", "河村 翔太", "松田 麻衣", "岡本 誠", "原田 恵", "林 拓也", "吉田 彩")
DEPARTMENTS = {"総務課": "long", "税務課": "wide", "子育て支援課": "long", "建設課": "wide"}
# (hours per month) patterns that cross the limits on purpose
SPECIAL = {
    1: [50, 30, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20],        # 月45時間超 once
    2: [30, 90, 85, 20, 20, 20, 20, 20, 20, 20, 20, 20],        # 2か月平均 87.5
    3: [20, 20, 20, 100, 20, 20, 20, 20, 20, 20, 20, 20],       # 月100時間以上
    4: [40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40],        # 年480時間 (年360時間超)
}


def _hours(rnd: random.Random, dept_index: int, person: int) -> list[float]:
    special = SPECIAL.get(person) if dept_index in (0, 1) else None
    return list(special) if special else [round(rnd.choice((0, 2.5, 5, 8, 10.5, 12, 15, 18.5, 22)), 1) for _ in MONTHS]


def _hm(h: float) -> str:
    return f"{int(h)}:{round((h - int(h)) * 60):02d}"


def _jp(h: float) -> str:
    m = round((h - int(h)) * 60)
    return f"{int(h)}時間{m}分" if m else f"{int(h)}時間"


def write_department(path: Path, dept: str, layout: str, staff: list[tuple[str, str, list[float]]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "時間外"
    if layout == "wide":
        ws.append([f"{to_wareki(date(FY, 4, 1)).split('年')[0]}年度 時間外勤務実績（{dept}）"])
        ws.append([])
        ws.append(["職員番号", "氏名", *[f"{m.month}月" for m in MONTHS]])
        for sid, name, hours in staff:
            ws.append([sid, name, *[_hm(h) for h in hours]])
    elif layout == "heldout":
        ws.append(["職員No", "名前", "対象月", "時間外（時間）"])
        for sid, name, hours in staff:
            for m, h in zip(MONTHS, hours):
                ws.append([sid, name, m, _jp(h)])
        ws.append(["合計", "", "", ""])
    else:
        town = layout == "town"
        ws.append([f"時間外勤務簿（{dept}）"])
        ws.append(["職員コード", "職員名", "勤務年月", "超過勤務時間"] if town else ["職員番号", "氏名", "年月", "時間外時間"])
        for sid, name, hours in staff:
            for m, h in zip(MONTHS, hours):
                month = f"R{m.year - 2018}.{m.month}" if town else to_wareki(m).split("月")[0] + "月"
                ws.append([sid, name, month, h])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_overtime(folder: Path, code: str, *, long_layout: str = "long", people: int = 6) -> dict[str, list]:
    """Four department workbooks in ``folder``; returns the hours written (for tests)."""
    rnd = random.Random(f"overtime-{code}")
    written = {}
    for d, (dept, layout) in enumerate(DEPARTMENTS.items()):
        staff = [(f"{d + 1}{i:04d}", NAMES[(d * 3 + i) % len(NAMES)], _hours(rnd, d, i)) for i in range(1, people + 1)]
        write_department(folder / f"{dept}_時間外.xlsx", dept, long_layout if layout == "long" else layout, staff)
        written[dept] = staff
    return written

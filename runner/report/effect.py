"""The effect report: items processed and hours saved per municipality and scenario.

Hours saved = items the robots processed × the minutes a person needs per item (declared by
each scenario as ``minutes_per_item``) ÷ 60. Only succeeded and partial runs count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo

from robots.errors import BusinessError
from runner.store import RunStore

JST = ZoneInfo("Asia/Tokyo")


@dataclass
class EffectRow:
    municipality: str
    name: str
    scenario: str
    runs: int
    items: int
    minutes_per_item: float

    @property
    def hours_saved(self) -> float:
        return round(self.items * self.minutes_per_item / 60, 1)


def month_range(month: str) -> tuple[datetime, datetime]:
    try:
        y, m = (int(x) for x in month.split("-"))
        start = datetime(y, m, 1, tzinfo=JST)
    except ValueError:
        raise BusinessError(f"月「{month}」は YYYY-MM の形で指定してください（例: 2026-10）。") from None
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=JST)
    return start, end


def effect_rows(store: RunStore, month: str, names: dict[str, str], visible: Iterable[str] | None = None) -> list[EffectRow]:
    """Aggregate the month's runs (optionally only those of the ``visible`` municipalities)."""
    start, end = month_range(month)
    allowed = set(visible) if visible is not None else None
    agg: dict[tuple[str, str], EffectRow] = {}
    for r in store.iter_runs_between(start, end):
        if r.status not in ("succeeded", "partial") or (allowed is not None and r.municipality not in allowed):
            continue
        key = (r.municipality, r.scenario)
        row = agg.setdefault(key, EffectRow(r.municipality, names.get(r.municipality, r.municipality), r.scenario, 0, 0, r.minutes_per_item))
        row.runs += 1
        row.items += r.items_ok
    return sorted(agg.values(), key=lambda x: (-x.hours_saved, x.municipality, x.scenario))


def write_effect_workbook(rows: list[EffectRow], month: str, dest: Path) -> Path:
    """The same report as an Excel workbook with a bar chart (the KPI the prefecture reports)."""
    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    from robots.excel.report import Sheet, write_workbook

    df = pd.DataFrame([{"自治体コード": r.municipality, "自治体": r.name, "シナリオ": r.scenario, "実行回数": r.runs,
                        "処理件数": r.items, "1件あたり手作業(分)": r.minutes_per_item, "削減時間(時間)": r.hours_saved} for r in rows],
                      columns=["自治体コード", "自治体", "シナリオ", "実行回数", "処理件数", "1件あたり手作業(分)", "削減時間(時間)"])
    by_town = df.groupby("自治体", sort=False)["削減時間(時間)"].sum().reset_index() if len(df) else pd.DataFrame(columns=["自治体", "削減時間(時間)"])
    total = float(df["削減時間(時間)"].sum()) if len(df) else 0.0
    notes = [f"効果測定レポート {month}", f"削減時間の合計: {total:,.1f} 時間（処理件数 × 1件あたりの手作業時間）"]
    write_workbook(dest, [Sheet("効果", df, notes), Sheet("自治体別", by_town)])
    wb = load_workbook(dest)
    ws = wb["自治体別"]
    if len(by_town):
        chart = BarChart()
        chart.type, chart.title, chart.y_axis.title = "bar", f"自治体別 削減時間（{month}）", "時間"
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=len(by_town) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(by_town) + 1))
        chart.height, chart.width = 10, 18
        ws.add_chart(chart, "D2")
    from robots.excel import atomic_path

    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest


def svg_bars(rows: list[EffectRow], width: int = 560) -> str:
    """A server-rendered horizontal bar chart (no JavaScript) of hours saved per municipality."""
    from html import escape

    totals: dict[str, float] = {}
    for r in rows:
        totals[r.name] = totals.get(r.name, 0) + r.hours_saved
    items = sorted(totals.items(), key=lambda kv: -kv[1])
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    bar_h, label_w = 22, 130
    h = bar_h * len(items) + 10
    parts = [f'<svg role="img" aria-label="自治体別の削減時間" width="{width}" height="{h}" viewBox="0 0 {width} {h}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, v) in enumerate(items):
        y = 5 + i * bar_h
        w = int((width - label_w - 70) * v / top)
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(name)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" fill="#2f6fb3"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13">{v:,.1f} 時間</text>')
    parts.append("</svg>")
    return "".join(parts)

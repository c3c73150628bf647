"""The effect report: items processed and hours saved per municipality and scenario.

Hours saved = items the robots processed × the minutes a person needs per item (declared by
each scenario as ``minutes_per_item``) ÷ 60. Only succeeded and partial runs count, each day's
work once (see :func:`effect_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from robots.errors import BusinessError
from runner.store import RunStore

JST = ZoneInfo("Asia/Tokyo")


@dataclass
class EffectRow:
    """One municipality × scenario line of the report."""

    municipality: str
    name: str
    scenario: str
    runs: int
    items: int
    minutes_per_item: float
    minutes: float = 0.0  # items × minutes per item, summed run by run (the setting may change mid-month)
    items_failed: int = 0  # left for a person

    @property
    def hours_saved(self) -> float:
        return round(self.minutes / 60, 1)


def month_range(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of next month) in Japan for ``YYYY-MM``."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(month)).strip().replace("/", "-")
    try:
        y, m = (int(x) for x in text.split("-"))
        start = datetime(y, m, 1, tzinfo=JST)
    except ValueError:
        raise BusinessError(f"月「{month}」は YYYY-MM の形で指定してください（例: 2026-10）。") from None
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=JST)
    return start, end


COUNTED = ("succeeded", "partial")


def effect_rows(store: RunStore, month: str, names: dict[str, str], visible: Iterable[str] | None = None) -> list[EffectRow]:
    """Aggregate the month's work (optionally only the ``visible`` municipalities).

    A run belongs to the month of its logical date (the business day it processed), so a
    re-run on 2 November of a 31 October job counts for October. Re-runs replace what they
    re-ran: of a chain (run → rerun → rerun …) only the latest succeeded/partial run counts, so
    fixing a partial run does not count its items twice.
    """
    start, end = month_range(month)
    runs = store.runs_for_days(start.date(), (end - timedelta(days=1)).date(), list(visible) if visible is not None else None)
    by_id = {r.id: r for r in runs}

    def root(r: Any) -> str:
        seen = set()
        while r.rerun_of and r.rerun_of not in seen:
            seen.add(r.rerun_of)
            parent = by_id.get(r.rerun_of)
            if parent is None:
                return r.rerun_of
            r = parent
        return r.id

    latest: dict[str, Any] = {}
    for r in runs:  # oldest first
        if r.status in COUNTED:
            latest[root(r)] = r
    agg: dict[tuple[str, str], EffectRow] = {}
    for r in latest.values():
        key = (r.municipality, r.scenario)
        row = agg.setdefault(key, EffectRow(r.municipality, names.get(r.municipality, r.municipality), r.scenario, 0, 0,
                                            r.minutes_per_item))
        row.runs += 1
        row.items += r.items_ok
        row.items_failed += r.items_failed
        row.minutes += r.items_ok * (r.minutes_per_item or 0)
        row.minutes_per_item = r.minutes_per_item
    return sorted(agg.values(), key=lambda x: (-x.minutes, x.municipality, x.scenario))


COLUMNS = ["自治体コード", "自治体", "シナリオ", "実行回数", "処理件数", "要手作業(件)", "1件あたり手作業(分)", "削減時間(時間)"]


def effect_frame(rows: list[EffectRow]) -> Any:
    """The report as a DataFrame (one line per municipality × scenario)."""
    import pandas as pd

    return pd.DataFrame([{"自治体コード": r.municipality, "自治体": r.name, "シナリオ": r.scenario, "実行回数": r.runs,
                          "処理件数": r.items, "要手作業(件)": r.items_failed, "1件あたり手作業(分)": r.minutes_per_item,
                          "削減時間(時間)": r.hours_saved} for r in rows], columns=COLUMNS)


def write_effect_workbook(rows: list[EffectRow], month: str, dest: Path) -> Path:
    """The same report as an Excel workbook with bar charts (the KPI the prefecture reports).

    Sheets: 効果 (municipality × scenario), 自治体別 and シナリオ別 (totals, each with a chart).
    Written atomically: an existing report at ``dest`` stays intact if anything fails.
    """
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    from robots.excel import atomic_path
    from robots.excel.report import Sheet, write_workbook

    df = effect_frame(rows)
    sums = ["実行回数", "処理件数", "要手作業(件)", "削減時間(時間)"]
    by_town = df.groupby(["自治体コード", "自治体"], sort=False)[sums].sum().reset_index().drop(columns="自治体コード")
    by_scenario = df.groupby("シナリオ", sort=False)[sums].sum().reset_index()
    by_town, by_scenario = (t.assign(**{"削減時間(時間)": t["削減時間(時間)"].round(1)})
                            .sort_values("削減時間(時間)", ascending=False, kind="stable") for t in (by_town, by_scenario))
    total_hours = round(sum(r.minutes for r in rows) / 60, 1)
    notes = [f"効果測定レポート {month}",
             f"処理件数の合計: {int(df['処理件数'].sum()):,} 件　削減時間の合計: {total_hours:,.1f} 時間",
             "削減時間 = ロボットが処理した件数 × シナリオごとの1件あたり手作業時間（成功・一部エラーの実行。再実行は最新の1回のみ）"]
    sheets = [Sheet("効果", df, notes), Sheet("自治体別", by_town, [f"自治体別 削減時間（{month}）"]),
              Sheet("シナリオ別", by_scenario, [f"シナリオ別 削減時間（{month}）"])]
    with atomic_path(dest) as tmp:
        write_workbook(tmp, sheets)
        wb = load_workbook(tmp)
        for title, table in (("自治体別", by_town), ("シナリオ別", by_scenario)):
            if not len(table):
                continue
            ws = wb[title]
            header = next(r for r in range(1, 6) if ws.cell(row=r, column=1).value == table.columns[0])
            col = list(table.columns).index("削減時間(時間)") + 1
            chart = BarChart()
            chart.type, chart.title, chart.y_axis.title = "bar", f"{title} 削減時間（{month}）", "時間"
            chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=header + len(table)), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(table)))
            chart.height, chart.width = max(7.5, 0.6 * len(table) + 3), 18
            chart.legend = None
            ws.add_chart(chart, f"{chr(ord('A') + len(table.columns) + 1)}{header}")
        wb.save(tmp)
    return dest


def svg_bars(rows: list[EffectRow], width: int = 560) -> str:
    """A server-rendered horizontal bar chart (no JavaScript) of hours saved per municipality."""
    from html import escape

    totals: dict[str, float] = {}
    for r in rows:
        totals[r.name] = totals.get(r.name, 0) + r.minutes / 60
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

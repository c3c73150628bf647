"""The effect report: items processed and hours saved per municipality and scenario.

Hours saved = items the robots processed × the minutes a person needs per item (declared by
each scenario as ``minutes_per_item``) ÷ 60. Only succeeded and partial runs count, each day's
work once (see :func:`effect_rows`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from sqlalchemy import and_, or_, select

from kyodo.core.errors import BusinessError
from kyodo.core.jst import JST
from kyodo.core.settings import load_settings
from kyodo.core.status import DONE
from kyodo.robots.excel import atomic_path
from kyodo.robots.excel.report import Sheet, write_workbook
from kyodo.runner.scenario.titles import scenario_title
from kyodo.runner.store import RunStore
from kyodo.runner.store.models import Run
from kyodo.runner.store.store import jst_day_start


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
    title: str = ""  # the scenario's Japanese title (what staff read)

    @property
    def hours_saved(self) -> float:
        return round(self.minutes / 60, 1)

    def yen(self, hourly_cost: float | None) -> int | None:
        """Hours saved in 円 at ``hourly_cost`` 円/時間 (None when no cost is set)."""
        return round(self.minutes / 60 * hourly_cost) if hourly_cost else None


def hourly_cost(value: str | float | None = None) -> float | None:
    """円 per staff hour: the given value, else ``KYODO_HOURLY_COST``; None when unset or not a positive number."""
    raw = value if value not in (None, "") else (load_settings().hourly_cost or "")
    text = unicodedata.normalize("NFKC", str(raw)).replace(",", "").replace("円", "").strip()
    try:
        cost = float(text)
    except ValueError:
        return None
    return cost if cost > 0 else None


def month_range(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of next month) in Japan for ``YYYY-MM``."""
    text = unicodedata.normalize("NFKC", str(month)).strip().replace("/", "-")
    try:
        y, m = (int(x) for x in text.split("-"))
        start = datetime(y, m, 1, tzinfo=JST)
    except ValueError:
        raise BusinessError(f"月「{month}」は YYYY-MM の形で指定してください（例: 2026-10）。") from None
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=JST)
    return start, end


COUNTED = DONE  # runs whose items count as work done


def work_key(r: Any) -> tuple:
    """What one unit of work is: scenario, municipality (and the towns it covered), business day, parameters.

    Two runs with the same key did the same work (a manual run after the scheduled one, a re-run
    of a partial run): only the latest counts. Different parameters mean different work.
    """
    day = r.logical_date or (r.created_at.astimezone(JST).date() if r.created_at else None)
    params = json.dumps(r.params or {}, sort_keys=True, ensure_ascii=False, default=str)
    return r.scenario, r.municipality, tuple(sorted(r.municipalities or [])), day, params


def counted(runs: Iterable[Any]) -> list[Any]:
    """The runs that count: succeeded/partial, the latest one per unit of work (``runs`` oldest first)."""
    latest: dict[tuple, Any] = {}
    for r in runs:
        if r.status in COUNTED:
            latest[work_key(r)] = r
    return list(latest.values())


def effect_rows(store: RunStore, month: str, names: dict[str, str], visible: Iterable[str] | None = None) -> list[EffectRow]:
    """Aggregate the month's work (optionally only the ``visible`` municipalities).

    A run belongs to the month of its logical date (the business day it processed), so a
    re-run on 2 November of a 31 October job counts for October. Each unit of work
    (:func:`work_key`) counts once, by its latest succeeded/partial run: a re-run or a second
    manual run the same day does not count its items twice.
    """
    start, end = month_range(month)
    runs = _work_rows(store, start.date(), (end - timedelta(days=1)).date(), visible)
    titles = {name: scenario_title(name) for name in {r.scenario for r in runs}}
    agg: dict[tuple[str, str], EffectRow] = {}
    for r in counted(runs):
        key = (r.municipality, r.scenario)
        row = agg.setdefault(key, EffectRow(r.municipality, names.get(r.municipality, r.municipality), r.scenario, 0, 0,
                                            r.minutes_per_item, title=titles[r.scenario]))
        row.runs += 1
        row.items += r.items_ok
        row.items_failed += r.items_failed
        row.minutes += r.items_ok * (r.minutes_per_item or 0)
        row.minutes_per_item = r.minutes_per_item
    return sorted(agg.values(), key=lambda x: (-x.minutes, x.municipality, x.scenario))


@dataclass
class MonthTotal:
    month: str
    items: int
    hours: float


def effect_trend(store: RunStore, month: str, names: dict[str, str], visible: Iterable[str] | None = None,
                 months: int = 12) -> list[MonthTotal]:
    """The ``months`` months up to ``month``, oldest first: items and hours saved per month (one query)."""
    _, end = month_range(month)
    labels = []
    y, m = end.year, end.month
    for _ in range(months):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        labels.append(f"{y}-{m:02d}")
    labels.reverse()
    first = month_range(labels[0])[0].date()
    runs = _work_rows(store, first, (end - timedelta(days=1)).date(), visible)
    items: dict[str, int] = dict.fromkeys(labels, 0)
    minutes: dict[str, float] = dict.fromkeys(labels, 0.0)
    for r in counted(runs):
        label = work_key(r)[3].strftime("%Y-%m")
        if label in items:
            items[label] += r.items_ok
            minutes[label] += r.items_ok * (r.minutes_per_item or 0)
    return [MonthTotal(label, items[label], round(minutes[label] / 60, 1)) for label in items]


def _work_rows(store: RunStore, first: Any, last: Any, visible: Iterable[str] | None) -> list[Any]:
    """The columns the report needs, for runs whose logical date lies in [first, last] (as
    ``RunStore.runs_for_days``), without building ORM objects: a year of history is 100,000 rows."""
    cols = (Run.id, Run.scenario, Run.municipality, Run.municipalities, Run.logical_date, Run.created_at, Run.params,
            Run.status, Run.items_ok, Run.items_failed, Run.minutes_per_item)
    by_created = and_(Run.logical_date.is_(None), Run.created_at >= jst_day_start(first),
                      Run.created_at < jst_day_start(last + timedelta(days=1)))
    q = select(*cols).where(or_(Run.logical_date.between(first, last), by_created)).order_by(Run.created_at)
    if visible is not None:
        q = q.where(Run.municipality.in_(list(visible)))
    with store.session() as s:
        return list(s.execute(q))


def svg_trend(trend: list[MonthTotal], width: int = 560, height: int = 180) -> str:
    """Hours saved per month as columns (server-rendered SVG, scales to the box on a phone)."""
    if not trend or not any(t.hours for t in trend):
        return ""
    top = max(t.hours for t in trend) or 1
    col = width / len(trend)
    base = height - 30
    parts = [f'<svg role="img" aria-label="月別の削減時間（直近{len(trend)}か月）" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">']
    for i, t in enumerate(trend):
        h = (base - 18) * t.hours / top
        x = i * col + col * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{col * 0.7:.1f}" height="{h:.1f}" fill="#2f6fb3"><title>'
                     f'{escape(t.month)}: {t.hours:,.1f} 時間（{t.items:,} 件）</title></rect>'
                     f'<text x="{x + col * 0.35:.1f}" y="{base - h - 4:.1f}" font-size="11" text-anchor="middle">{t.hours:,.1f}</text>'
                     f'<text x="{x + col * 0.35:.1f}" y="{base + 16:.1f}" font-size="11" text-anchor="middle">{int(t.month[5:])}月</text>')
    parts.append(f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#999"/></svg>')
    return "".join(parts)


COLUMNS = ["自治体コード", "自治体", "シナリオ", "実行回数", "処理件数", "要手作業(件)", "1件あたり手作業(分)", "削減時間(時間)"]
YEN = "削減額(円)"


def effect_frame(rows: list[EffectRow], hourly: float | None = None) -> Any:
    """The report as a DataFrame (one line per municipality × scenario; 削減額 when an hourly cost is set)."""
    cols = COLUMNS + ([YEN] if hourly else []) + ["シナリオID"]
    return pd.DataFrame([{"自治体コード": r.municipality, "自治体": r.name, "シナリオ": r.title or r.scenario, "実行回数": r.runs,
                          "処理件数": r.items, "要手作業(件)": r.items_failed, "1件あたり手作業(分)": r.minutes_per_item,
                          "削減時間(時間)": r.hours_saved, YEN: r.yen(hourly), "シナリオID": r.scenario} for r in rows], columns=cols)


def write_effect_workbook(rows: list[EffectRow], month: str, dest: Path, hourly: float | None = None,
                          trend: list[MonthTotal] | None = None) -> Path:
    """The same report as an Excel workbook with bar charts (the KPI the prefecture reports).

    Sheets: 効果 (municipality × scenario), 自治体別 and シナリオ別 (totals, each with a chart).
    Written atomically: an existing report at ``dest`` stays intact if anything fails.
    """
    df = effect_frame(rows, hourly)
    sums = ["実行回数", "処理件数", "要手作業(件)", "削減時間(時間)"] + ([YEN] if hourly else [])
    by_town = df.groupby(["自治体コード", "自治体"], sort=False)[sums].sum().reset_index().drop(columns="自治体コード")
    by_scenario = df.groupby("シナリオ", sort=False)[sums].sum().reset_index()
    by_town, by_scenario = (t.assign(**{"削減時間(時間)": t["削減時間(時間)"].round(1)})
                            .sort_values("削減時間(時間)", ascending=False, kind="stable") for t in (by_town, by_scenario))
    total_hours = round(sum(r.minutes for r in rows) / 60, 1)
    notes = [f"効果測定レポート {month}",
             f"処理件数の合計: {int(df['処理件数'].sum()):,} 件　削減時間の合計: {total_hours:,.1f} 時間",
             "削減時間 = ロボットが処理した件数 × シナリオごとの1件あたり手作業時間（成功・一部エラーの実行。"
             "同じ自治体・シナリオ・対象日・条件の実行は最新の1回のみ）"]
    if hourly:
        notes.insert(2, f"削減額の合計: {round(sum(r.minutes for r in rows) / 60 * hourly):,} 円（1時間あたり {hourly:,.0f} 円で換算）")
    sheets = [Sheet("効果", df, notes), Sheet("自治体別", by_town, [f"自治体別 削減時間（{month}）"]),
              Sheet("シナリオ別", by_scenario, [f"シナリオ別 削減時間（{month}）"])]
    if trend:
        sheets.append(Sheet("月別推移", pd.DataFrame([{"月": t.month, "処理件数": t.items, "削減時間(時間)": t.hours} for t in trend]),
                            [f"月別の削減時間（{trend[0].month}〜{trend[-1].month}）"]))
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

"""The effect report: hours saved (and 円 at an hourly cost) per month, as a page, a printable page and a workbook."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kyodo.core.jst import JST
from kyodo.runner.audit import record_quietly
from kyodo.runner.dashboard.deps import XLSX, get_dash, page, require_staff, visible_codes
from kyodo.runner.dashboard.users import Staff
from kyodo.runner.report.effect import (
    effect_rows,
    effect_trend,
    hourly_cost,
    month_range,
    svg_bars,
    svg_trend,
    write_effect_workbook,
)

router = APIRouter()


def normal_month(month: str) -> str:
    """The month asked for, validated and normalised (全角, 2026/10); this month when empty."""
    return month_range(month or datetime.now(JST).strftime("%Y-%m"))[0].strftime("%Y-%m")


def _report(request: Request, who: Staff, month: str, hourly: str) -> dict[str, Any]:
    dash = get_dash(request)
    month = normal_month(month)
    cost = hourly_cost(hourly)
    codes = visible_codes(who)
    rows = effect_rows(dash.store, month, dash.names, codes)
    trend = effect_trend(dash.store, month, dash.names, codes)
    minutes = sum(r.minutes for r in rows)
    return {"rows": rows, "month": month, "month_ja": f"{month[:4]}年{int(month[5:])}月", "total": minutes / 60,
            "items": sum(r.items for r in rows), "chart": svg_bars(rows), "trend": trend, "trend_chart": svg_trend(trend),
            "hourly": cost, "yen": round(minutes / 60 * cost) if cost else None, "hourly_input": hourly,
            "printed_at": datetime.now(JST).strftime("%Y-%m-%d %H:%M")}


@router.get("/effect", response_class=HTMLResponse)
def effect(request: Request, month: str = "", hourly: str = "", who: Staff = Depends(require_staff)) -> HTMLResponse:
    return page(request, "effect.html", who, printable=False, **_report(request, who, month, hourly))


@router.get("/effect/print", response_class=HTMLResponse)
def effect_print(request: Request, month: str = "", hourly: str = "", who: Staff = Depends(require_staff)) -> HTMLResponse:
    """The same report laid out for paper (A4, no menus): what the DX leader hands to the council."""
    return page(request, "effect.html", who, printable=True, **_report(request, who, month, hourly))


@router.get("/effect.xlsx")
def effect_xlsx(request: Request, month: str = "", hourly: str = "", who: Staff = Depends(require_staff)) -> Response:
    report = _report(request, who, month, hourly)
    with tempfile.TemporaryDirectory(prefix="kyodo-effect-") as tmp:
        data = write_effect_workbook(report["rows"], report["month"], Path(tmp) / "effect.xlsx", report["hourly"],
                                     report["trend"]).read_bytes()
    record_quietly(who.username, "effect.export", "dashboard", report["month"])
    name = f"効果測定_{report['month']}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

"""The schedule page: next runs, pause / resume / run now, and a month calendar of the office's days."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kyodo.core.errors import KyodoError
from kyodo.core.jst import JST, WEEKDAYS_JA
from kyodo.core.privacy import mask_text
from kyodo.core.status import Trigger
from kyodo.runner.audit import record_quietly
from kyodo.runner.dashboard.deps import csrf_form, get_dash, page, require_staff
from kyodo.runner.dashboard.routes.runs import submit_in_background
from kyodo.runner.dashboard.users import Staff
from kyodo.runner.plan import plan_runs
from kyodo.runner.registry import Registry
from kyodo.runner.report.effect import month_range
from kyodo.runner.scenario.loader import available_scenarios, load_scenario
from kyodo.runner.scenario.titles import scenario_title
from kyodo.runner.scheduler.control import paused, set_paused
from kyodo.runner.scheduler.month import month_weeks
from kyodo.runner.scheduler.service import next_fire_times, plan_jobs

log = logging.getLogger("kyodo.dashboard")
router = APIRouter()


def next_runs(registry: Registry) -> tuple[list[Any], list[Any], str | None]:
    """Next fire times; the page still works (with a message) when computing them fails."""
    try:
        rows, problems = next_fire_times(registry)  # checked against the scenarios available now
    except Exception as exc:  # noqa: BLE001 - shown to staff, logged for operators
        log.warning("実行予定の計算に失敗しました", exc_info=True)
        return [], [], f"実行予定を計算できませんでした: {mask_text(str(exc))}"
    return rows, problems, None


def _calendar(registry: Registry, who: Staff, code: str, month: str) -> tuple[str, list[Any], str | None]:
    """(normalised month, weeks, problem) for the municipality ``code`` (or every visible one)."""
    try:
        start = month_range(month or datetime.now(JST).strftime("%Y-%m"))[0]
        jobs, _ = plan_jobs(registry, available_scenarios())
        jobs = [j for j in jobs if who.can_see(j.code) and (not code or j.code == code)]
        closures = registry.get(code).closure_days if code else []
        held = {(j.code, j.scenario) for j in jobs if j.scenario in paused(registry.source or "", j.code)}
        return start.strftime("%Y-%m"), month_weeks(start.year, start.month, closures, jobs, dict.fromkeys(held)), None
    except KyodoError as exc:
        return datetime.now(JST).strftime("%Y-%m"), [], exc.message


@router.get("/schedule", response_class=HTMLResponse)
def schedule(request: Request, month: str = "", municipality: str = "", who: Staff = Depends(require_staff)) -> HTMLResponse:
    dash = get_dash(request)
    rows, problems, unavailable = next_runs(dash.registry)
    rows = [r for r in rows if who.can_see(r.code)]
    problems = [p for p in problems if who.can_see(p.code)]
    code = municipality if municipality and who.can_see(municipality) else ("" if who.is_prefecture else who.municipality or "")
    month, weeks, cal_problem = _calendar(dash.registry, who, code, month)
    y, m = (int(x) for x in month.split("-"))
    prev_m, next_m = (f"{y - (m == 1)}-{(m - 2) % 12 + 1:02d}", f"{y + (m == 12)}-{m % 12 + 1:02d}")
    towns = [(c, n) for c, n in dash.names.items() if who.can_see(c) and c != dash.registry.prefecture.code]
    flash = request.session.pop("schedule_flash", None)
    return page(request, "schedule.html", who, rows=rows, problems=problems, unavailable=unavailable, weeks=weeks,
                month=month, month_ja=f"{y}年{m}月", prev_m=prev_m, next_m=next_m, cal_code=code, towns=towns,
                weekdays=WEEKDAYS_JA, cal_problem=cal_problem, flash=flash)


def _entry(request: Request, who: Staff, code: str, scenario: str) -> Any:
    """The schedule entry ``who`` may control, or 404 (same answer for other towns' entries)."""
    dash = get_dash(request)
    if not who.can_see(code):
        raise HTTPException(404, "スケジュールが見つかりません。")
    try:
        m = dash.registry.get(code)
    except KyodoError:
        raise HTTPException(404, "スケジュールが見つかりません。") from None
    entry = next((e for e in m.schedules if e.scenario == scenario), None)
    if entry is None:
        raise HTTPException(404, "スケジュールが見つかりません。")
    return m, entry


def _back(request: Request, message: str) -> Response:
    request.session["schedule_flash"] = message
    return RedirectResponse("/schedule", status_code=303)


@router.post("/schedule/pause", dependencies=[Depends(csrf_form)])
def pause(request: Request, code: str = Form(...), scenario: str = Form(...), who: Staff = Depends(require_staff)) -> Response:
    return _set(request, who, code, scenario, True)


@router.post("/schedule/resume", dependencies=[Depends(csrf_form)])
def resume(request: Request, code: str = Form(...), scenario: str = Form(...), who: Staff = Depends(require_staff)) -> Response:
    return _set(request, who, code, scenario, False)


def _set(request: Request, who: Staff, code: str, scenario: str, pause_it: bool) -> Response:
    m, _ = _entry(request, who, code, scenario)
    changed = set_paused(get_dash(request).registry.source or "", m.code, scenario, pause_it, f"dashboard:{who.username}")
    title = scenario_title(scenario)
    if pause_it:
        msg = f"{m.name}の「{title}」の予定を一時停止しました。" if changed else f"{m.name}の「{title}」は既に一時停止中です。"
    else:
        msg = f"{m.name}の「{title}」の予定を再開しました。" if changed else f"{m.name}の「{title}」は既に動いています。"
    return _back(request, msg)


@router.post("/schedule/run", dependencies=[Depends(csrf_form)])
def run_now(request: Request, code: str = Form(...), scenario: str = Form(...), who: Staff = Depends(require_staff)) -> Response:
    """Start the scheduled scenario now, with the schedule's parameters (a manual run for today)."""
    dash = get_dash(request)
    m, entry = _entry(request, who, code, scenario)
    plans = plan_runs(load_scenario(scenario), dash.registry, [m.code], dict(entry.params), trigger=Trigger.MANUAL,
                      requested_by=f"dashboard:{who.username}")
    for plan in plans:
        record_quietly(who.username, "schedule.run_now", f"{scenario}/{m.code}", "ダッシュボードから今すぐ実行")
        submit_in_background(dash, plan, name=f"run-now-{m.code}")
    return _back(request, f"{m.name}の「{scenario_title(scenario)}」を開始しました。結果は実行履歴に表示されます。")

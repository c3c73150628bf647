"""Run history, one run's page (steps, screenshots, files) and the re-run button."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from kyodo.core.jst import JST
from kyodo.core.status import STATUSES, RunStatus
from kyodo.robots.browser import shutdown
from kyodo.runner import rerun as rerun_rule
from kyodo.runner.artifacts import decrypt_bytes
from kyodo.runner.audit import record_quietly
from kyodo.runner.dashboard.deps import (
    XLSX,
    Dashboard,
    csrf_form,
    get_dash,
    page,
    require_staff,
    visible_codes,
)
from kyodo.runner.dashboard.users import Staff
from kyodo.runner.executors import get_executor
from kyodo.runner.report.history import history_csv, history_rows, history_xlsx
from kyodo.runner.run_parts import is_multi, part_of, parts
from kyodo.runner.scenario.loader import available_scenarios
from kyodo.runner.scenario.titles import scenario_title, step_titles
from kyodo.runner.store import RunFilter
from kyodo.runner.store.store import parse_day

log = logging.getLogger("kyodo.dashboard")
router = APIRouter()
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
LABELS = {"municipality": "自治体", "scenario": "シナリオ", "status": "状態", "since": "開始日", "until": "終了日"}


def day(value: str) -> date | None:
    """A date from a form field (2026-10-01, 2026/10/1, 令和8年10月1日 …); an unreadable one is ignored."""
    try:
        return parse_day(value) if value else None
    except ValueError:
        return None


def can_rerun(run: Any, reruns: Sequence[Any], part: str | None = None) -> bool:
    """Whether the button shows: the shared rule of kyodo.runner.rerun (the POST and ``kyodo runs rerun`` use it too)."""
    return rerun_rule.refusal(run, reruns, part=part) is None


def run_for(dash: Dashboard, who: Staff, run_id: str) -> Any:
    """The run, if ``who`` owns it or took part in it (a multi-municipality run); else 404."""
    run = dash.store.get_run(run_id)
    if run is None or not (who.can_see(run.municipality) or own_part(who, run)):
        raise HTTPException(404, "実行が見つかりません。")  # same answer: no probing other towns' IDs
    return run


def own_part(who: Staff, run: Any) -> str | None:
    """The code of ``who``'s part when they see only their part of someone else's run."""
    if who.is_prefecture or who.can_see(run.municipality):
        return None
    return who.municipality if who.municipality in (run.municipalities or []) else None


def reruns_of(dash: Dashboard, run: Any) -> list[Any]:
    """Every re-run started from ``run``, newest first."""
    return rerun_rule.reruns_of(dash.store, run)


def scenario_names() -> set[str]:
    try:
        return set(available_scenarios())
    except Exception:  # a broken scenario folder must not take the history page down
        return set()


def history_filter(who: Staff, q: dict[str, str], limit: int, offset: int = 0) -> RunFilter | None:
    """The run filter for the query, limited to what ``who`` may see; None when nothing can match."""
    codes = visible_codes(who)
    if q["municipality"]:
        codes = [q["municipality"]] if who.can_see(q["municipality"]) else []
    if codes == []:
        return None
    status = q["status"] if q["status"] in STATUSES else None
    return RunFilter(municipality=codes, scenario=q["scenario"] or None, status=status, limit=limit, offset=offset,
                     since=day(q["since"]), until=day(q["until"]), with_parts=codes is not None)


def query(municipality: str = "", scenario: str = "", status: str = "", since: str = "", until: str = "") -> dict[str, str]:
    """The history filters as a dependency (the page and both exports share them)."""
    return {"municipality": municipality, "scenario": scenario, "status": status, "since": since, "until": until}


@router.get("/", response_class=HTMLResponse)
def runs(request: Request, page_no: int = Query(1, alias="page", ge=1, le=100_000), q: dict = Depends(query),
         who: Staff = Depends(require_staff)) -> HTMLResponse:
    dash = get_dash(request)
    f = history_filter(who, q, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
    rows = dash.store.list_runs(f) if f else []
    total = dash.store.count_runs(f) if f else 0
    overview = dash.store.summary(RunFilter(municipality=f.municipality, since=f.since, until=f.until,
                                            with_parts=f.with_parts)) if f else []
    towns = [(c, n) for c, n in dash.names.items() if who.can_see(c)]
    scenarios = sorted({r["scenario"] for r in overview} | scenario_names(), key=scenario_title)
    pages = max(1, -(-total // PAGE_SIZE))
    qs = urlencode({k: v for k, v in q.items() if v})
    return page(request, "runs.html", who, runs=rows, overview=overview, towns=towns, scenarios=scenarios, q=q, qs=qs,
                page_no=min(page_no, pages), pages=pages, total=total, page_size=PAGE_SIZE)


@router.get("/runs.csv")
def runs_csv(request: Request, q: dict = Depends(query), who: Staff = Depends(require_staff)) -> Response:
    data = history_csv(_export_rows(request, who, q))
    return _download(data, "text/csv; charset=utf-8", f"実行履歴_{datetime.now(JST):%Y%m%d}.csv")


@router.get("/runs.xlsx")
def runs_xlsx(request: Request, q: dict = Depends(query), who: Staff = Depends(require_staff)) -> Response:
    rows = _export_rows(request, who, q)
    notes = [f"実行履歴（{datetime.now(JST):%Y-%m-%d %H:%M} 日本時間に出力、{len(rows):,} 件）",
             "条件: " + ("、".join(f"{LABELS[k]}={v}" for k, v in q.items() if v) or "なし")]
    return _download(history_xlsx(rows, notes), XLSX, f"実行履歴_{datetime.now(JST):%Y%m%d}.xlsx")


def _export_rows(request: Request, who: Staff, q: dict[str, str]) -> list[dict[str, Any]]:
    dash = get_dash(request)
    f = history_filter(who, q, EXPORT_LIMIT)
    runs = dash.store.list_runs(f) if f else []
    record_quietly(who.username, "runs.export", "dashboard", f"{len(runs)} 件")
    return history_rows(runs, dash.names)


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_detail(request: Request, run_id: str, who: Staff = Depends(require_staff)) -> HTMLResponse:
    dash = get_dash(request)
    run = run_for(dash, who, run_id)
    mine = own_part(who, run)
    reruns = reruns_of(dash, run)
    started = request.session.pop("flash", None) if request.session.get("flash_run") == run.id else None
    if mine:  # a municipality's view of a multi-municipality run: its own steps, screenshots and error only
        part = part_of(run, mine, dash.names.get(mine, mine))
        return page(request, "run.html", who, run=run, part=part, parts=[], steps=part.steps, shots=part.shots,
                    artifacts=part.shots, reruns=reruns, flash=started,
                    can_rerun=can_rerun(run, reruns, mine), rerun_parts=set(), titles=step_titles(run.scenario))
    shots = [a for a in run.artifacts if a.kind == "screenshot"]  # failure-*.png, see RunStore.record_artifacts
    shown = parts(run, dash.names) if is_multi(run) else []
    return page(request, "run.html", who, run=run, part=None, parts=shown,
                steps=run.steps, shots=shots, artifacts=run.artifacts, reruns=reruns, flash=started,
                can_rerun=can_rerun(run, reruns), titles=step_titles(run.scenario),
                rerun_parts={p.code for p in shown if p.status == RunStatus.FAILED and can_rerun(run, reruns, p.code)})


@router.post("/runs/{run_id}/rerun", dependencies=[Depends(csrf_form)])
def rerun(request: Request, run_id: str, who: Staff = Depends(require_staff)) -> Response:
    """Repeat a failed, partial or interrupted run by the same rule as ``kyodo runs rerun`` (kyodo.runner.rerun).

    A partial run takes over the municipalities it finished and redoes the others; a municipality
    re-running its part of a multi-municipality run re-runs that municipality alone.
    """
    dash = get_dash(request)
    run = run_for(dash, who, run_id)
    mine = own_part(who, run) or request.query_params.get("part") or None
    if mine and not (mine in (run.municipalities or []) and is_multi(run)):
        mine = None  # not a part of this run: the whole run, as the button without ?part= does
    try:
        plan = rerun_rule.start_rerun(dash.store, run, runs_dir=dash.settings.runs_dir, requested_by=f"dashboard:{who.username}",
                                      part=mine, names=dash.names)
    except rerun_rule.RerunRefused as exc:  # refused by the same rule as kyodo runs rerun
        raise HTTPException(409, exc.message) from None
    record_quietly(who.username, "run.rerun", f"{run.scenario}/{plan.owner}", f"元の実行={run.id} 再実行={plan.run_id}")
    submit_in_background(dash, plan, name=f"rerun-{plan.rerun_of}")
    request.session["flash"] = "再実行を開始しました。しばらくしてからこの画面を更新すると結果が表示されます。"
    request.session["flash_run"] = run.id
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def submit_in_background(dash: Dashboard, plan: Any, name: str) -> None:
    """Hand the run to the configured executor without holding the page (a local run takes minutes)."""
    def work() -> None:
        executor, results = None, []
        try:
            executor = get_executor(dash.registry, dash.store, dash.settings)
            results = executor.submit([plan])
        except Exception:  # noqa: BLE001 - the run record shows the outcome; this is for operators
            log.exception("実行の投入に失敗しました")
        finally:
            shutdown()  # Playwright's browser belongs to this thread; close it before the thread ends
            _settle_claim(dash, plan, getattr(executor, "name", ""), results)

    threading.Thread(target=work, name=name, daemon=True).start()


def _settle_claim(dash: Dashboard, plan: Any, executor: str, results: list[Any]) -> None:
    """A claimed re-run that the executor did not take (skipped as already done, or a crash before it
    started) must not stay 待機中 and block the button: give it a final status saying why."""
    try:
        rerun_rule.settle_claim(dash.store, plan, executor, results)
    except Exception:  # noqa: BLE001 - logged for operators; the crash check settles it later
        log.exception("再実行の状態を更新できませんでした")


@router.get("/runs/{run_id}/files/{path:path}")
def artifact(request: Request, run_id: str, path: str, who: Staff = Depends(require_staff)) -> Response:
    run = run_for(get_dash(request), who, run_id)
    mine = own_part(who, run)  # a part viewer gets only its own screenshots, not the prefecture's workbooks
    known = {a.path for a in (part_of(run, mine, mine).shots if mine else run.artifacts)}
    if path not in known or not run.artifact_dir:
        raise HTTPException(404, "ファイルが見つかりません。")
    base = Path(run.artifact_dir).resolve()
    target = (base / path).resolve()
    if base not in target.parents or not target.is_file():  # symlinks and ../ cannot leave the run's folder
        raise HTTPException(404, "ファイルが見つかりません。")
    record_quietly(who.username, "artifact.download", f"{run.id}/{path}", run.municipality)
    if target.suffix == ".enc":
        name = target.name.removesuffix(".enc")
        return Response(decrypt_bytes(target.read_bytes()), media_type="application/octet-stream",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
    inline = target.suffix.lower() == ".png"
    return FileResponse(target, filename=target.name, content_disposition_type="inline" if inline else "attachment",
                        media_type="image/png" if inline else None)

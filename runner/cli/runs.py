"""``kyodo runs``: run history for staff — list, show, rerun."""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="実行履歴を見る・再実行する。Run history.", no_args_is_help=True)

STATUS_JA = {"succeeded": "成功", "partial": "一部エラー", "failed": "失敗", "running": "実行中", "queued": "待機中",
             "interrupted": "中断", "skipped": "スキップ", "not_submitted": "未投入"}


@app.command("list")
@friendly_errors
def list_(
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", help="自治体コード"),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="シナリオ名"),
    status: Optional[str] = typer.Option(None, "--status", help="succeeded / partial / failed / interrupted ..."),
    since: Optional[str] = typer.Option(None, "--since", help="この日以降（YYYY-MM-DD）"),
    until: Optional[str] = typer.Option(None, "--until", help="この日まで（YYYY-MM-DD）"),
    limit: int = typer.Option(50, "--limit", help="表示する件数"),
) -> None:
    """実行履歴の一覧。List runs."""
    from rich.table import Table

    from runner.store import RunFilter

    _, _, store = load_context()
    f = RunFilter(municipality=municipality, scenario=scenario, status=status, limit=limit,
                  since=date.fromisoformat(since) if since else None, until=date.fromisoformat(until) if until else None)
    t = Table(title="実行履歴")
    for c in ("実行ID", "自治体", "シナリオ", "起動", "状態", "件数", "エラー", "開始"):
        t.add_column(c)
    for r in store.list_runs(f):
        t.add_row(r.id, r.municipality, r.scenario, r.trigger, STATUS_JA.get(r.status, r.status), str(r.items_ok),
                  str(r.items_failed), f"{r.created_at:%Y-%m-%d %H:%M}" if r.created_at else "")
    console.print(t)


@app.command("show")
@friendly_errors
def show(run_id: str = typer.Argument(..., help="実行ID")) -> None:
    """実行の詳細（ステップ記録と成果物）。Show one run."""
    from robots.errors import BusinessError

    _, _, store = load_context()
    r = store.get_run(run_id)
    if r is None:
        raise BusinessError(f"実行ID「{run_id}」はありません。", hint="kyodo runs list で確認してください。")
    console.print(f"[bold]{r.id}[/] {r.scenario} v{r.scenario_version} / 自治体 {r.municipality} / {STATUS_JA.get(r.status, r.status)}")
    console.print(f"  起動: {r.trigger}  開始: {r.started_at}  終了: {r.finished_at}  件数: {r.items_ok}  エラー: {r.items_failed}")
    if r.error_message:
        console.print(f"  [red]エラー（{r.error_class}）[/]: {r.error_message}", highlight=False)
    console.print("[bold]ステップ[/]")
    for s in r.steps:
        console.print(f"  {s.seq:>3} {s.status:<9} {s.item or '':<20} {s.step} {('— ' + s.message) if s.message else ''}", highlight=False)
    console.print(f"[bold]成果物[/]（{r.artifact_dir}）")
    for a in r.artifacts:
        console.print(f"  {a.kind:<10} {a.path} ({a.size:,} バイト)", highlight=False)


@app.command("rerun")
@friendly_errors
def rerun(
    run_id: str = typer.Argument(..., help="再実行する実行ID"),
    force: bool = typer.Option(False, "--force", help="成功済みの実行もやり直す（公開先の成果物は置き換わります）"),
) -> None:
    """失敗・中断した実行を同じ条件で再実行します（前の成果物は残ります）。Re-run a run."""
    from robots.errors import BusinessError
    from runner.cli.run import print_results
    from runner.executors import get_executor
    from runner.plan import RunPlan

    settings, registry, store = load_context()
    r = store.get_run(run_id)
    if r is None:
        raise BusinessError(f"実行ID「{run_id}」はありません。")
    plan = RunPlan(scenario=r.scenario, owner=r.municipality, municipalities=list(r.municipalities or [r.municipality]),
                   params=dict(r.params or {}), trigger="rerun", rerun_of=r.id,
                   logical_date=r.logical_date)
    if force and plan.idempotency_key:
        done = store.find_by_key(plan.idempotency_key)
        if done is not None:
            store.release_key(done.id)
    results = get_executor(registry, store, settings).submit([plan])
    raise typer.Exit(print_results(results))

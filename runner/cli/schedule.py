"""``kyodo schedule``: upcoming runs per municipality, and the scheduler process."""

from __future__ import annotations

from typing import Optional

import typer

from runner.cli._common import console, friendly_errors

app = typer.Typer(help="スケジュール（営業日カレンダー対応）。Schedules.", no_args_is_help=True)


@app.command("list")
@friendly_errors
def list_(municipality: Optional[str] = typer.Option(None, "--municipality", "-m", help="自治体コード")) -> None:
    """次回の実行予定を表示します。Show next fire times."""
    from rich.markup import escape
    from rich.table import Table

    from runner.registry import load_registry
    from runner.scheduler.service import next_fire_times
    from runner.settings import get_settings

    rows, problems = next_fire_times(load_registry(get_settings().registry_path))
    t = Table(title="今後の実行予定（Asia/Tokyo）")
    for c in ("次回", "自治体", "シナリオ", "スケジュール"):
        t.add_column(c)
    for r in rows:
        if municipality and r.code != municipality:
            continue
        t.add_row(f"{r.next_run:%Y-%m-%d(%a) %H:%M}" if r.next_run else "-", f"{r.name}({r.code})", r.scenario, r.when)
    console.print(t)
    for p in problems:
        console.print(f"[yellow]スキップ[/]: {escape(p.message)}", highlight=False)


@app.command("start")
@friendly_errors
def start() -> None:
    """スケジューラーを起動します（Ctrl-C で停止）。Run the scheduler in the foreground."""
    from runner.registry import load_registry
    from runner.scenario.loader import available_scenarios
    from runner.scheduler.service import SchedulerLock, build_scheduler
    from runner.settings import get_settings
    from runner.store import open_store
    from runner.submit import submit_run

    settings = get_settings()
    with SchedulerLock(settings.home):
        interrupted = open_store(settings.db_url).mark_interrupted()
        if interrupted:
            console.print(f"前回停止時に実行中だった {len(interrupted)} 件を「中断」にしました（kyodo runs rerun で再実行できます）。")
        sched, problems = build_scheduler(load_registry(settings.registry_path), submit_run, available_scenarios())
        for p in problems:
            console.print(f"[yellow]スキップ[/]: {p.message}", highlight=False)
        console.print(f"スケジューラー起動: {len(sched.get_jobs())} 件のジョブ（Ctrl-C で停止）")
        try:
            sched.start()
        except (KeyboardInterrupt, SystemExit):
            console.print("停止しました。")

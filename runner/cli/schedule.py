"""``kyodo schedule``: upcoming runs per municipality, and the scheduler process."""

from __future__ import annotations

import typer

from kyodo.runner.cli._common import console, friendly_errors

app = typer.Typer(help="スケジュール（営業日カレンダー対応）: 一覧・一時停止・再開・起動。", no_args_is_help=True)


@app.command("list")
@friendly_errors
def list_(municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コードまたは名前")) -> None:
    """次回の実行予定を表示します（日本時間）。"""
    from rich.markup import escape
    from rich.table import Table

    from kyodo.core.settings import get_settings
    from kyodo.runner.cli._common import municipality_code
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.titles import scenario_title
    from kyodo.runner.scheduler.service import next_fire_times

    registry = load_registry(get_settings().registry_path)
    code = municipality_code(registry, municipality) if municipality else None
    rows, problems = next_fire_times(registry)
    rows = [r for r in rows if code is None or r.code == code]
    t = Table(title="今後の実行予定（日本時間）")
    for c in ("次回", "自治体", "処理", "スケジュール", "状態"):
        t.add_column(c)
    for r in rows:
        when = f"{r.next_run:%Y-%m-%d}({'月火水木金土日'[r.next_run.weekday()]}) {r.next_run:%H:%M}" if r.next_run else "-"
        state = f"[yellow]一時停止中[/]（{escape(str(r.paused.get('by', '')))}）" if r.paused else "有効"
        t.add_row("—" if r.paused else when, f"{r.name}({r.code})", escape(scenario_title(r.scenario)), escape(r.when), state)
    if rows:
        console.print(t)
    else:
        name = registry.names().get(code or "", "")
        console.print(f"{name}の実行予定はありません（自治体台帳の schedules: に書くと予定になります）。" if code
                      else "実行予定はありません（自治体台帳の schedules: に書くと予定になります）。")
    for p in problems:
        if code is None or p.code == code:
            console.print(f"[yellow]スキップ[/]: {escape(p.message)}", highlight=False)


@app.command("pause")
@friendly_errors
def pause(municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コードまたは名前"),
          scenario: str = typer.Argument(..., help="シナリオ名（例: e_application_aggregation）")) -> None:
    """自治体のスケジュールを一時停止します（自治体ファイルに記録、監査ログに残ります）。"""
    _pause(municipality, scenario, True)


@app.command("resume")
@friendly_errors
def resume(municipality: str = typer.Option(..., "--municipality", "-m", help="自治体コードまたは名前"),
           scenario: str = typer.Argument(..., help="シナリオ名")) -> None:
    """一時停止したスケジュールを再開します。"""
    _pause(municipality, scenario, False)


def _pause(municipality: str, scenario: str, pause_it: bool) -> None:
    from kyodo.core.errors import BusinessError
    from kyodo.core.settings import get_settings
    from kyodo.runner.audit import current_user
    from kyodo.runner.cli._common import municipality_code
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.titles import scenario_title
    from kyodo.runner.scheduler.control import set_paused

    settings = get_settings()
    registry = load_registry(settings.registry_path)
    m = registry.get(municipality_code(registry, municipality))
    if not any(e.scenario == scenario for e in m.schedules):
        known = "、".join(e.scenario for e in m.schedules) or "なし"
        raise BusinessError(f"{m.name}に「{scenario}」のスケジュールはありません。", hint=f"この自治体のスケジュール: {known}")
    changed = set_paused(settings.registry_path, m.code, scenario, pause_it, current_user())
    verb = "一時停止しました" if pause_it else "再開しました"
    console.print(f"{m.name}の「{scenario_title(scenario)}」を{verb}。" if changed else "変更はありません（既にその状態です）。")


@app.command("start")
@friendly_errors
def start() -> None:
    """スケジューラーを起動します（Ctrl-C で停止）。"""
    from kyodo.core.settings import get_settings
    from kyodo.runner.notify.send import notify_interrupted_quietly
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.loader import available_scenarios
    from kyodo.runner.scheduler.service import SchedulerLock, build_scheduler
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import submit_run

    settings = get_settings()
    with SchedulerLock(settings.home):
        store = open_store(settings.db_url)
        interrupted = store.mark_interrupted()
        notify_interrupted_quietly(interrupted, store, load_registry(settings.registry_path))
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

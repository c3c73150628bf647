"""``kyodo demo``: the one-command tour."""

from __future__ import annotations

import typer

from kyodo.runner.cli._common import console, friendly_errors


@friendly_errors
def demo() -> None:
    """デモ: 同梱の電子申請ポータルを起動し、標準シナリオを山口県の19市町で実行します。"""
    from kyodo.core.settings import get_settings
    from kyodo.runner.cli.run import print_results
    from kyodo.runner.demo.run_demo import find_outputs, run_demo
    from kyodo.runner.progress import ProgressBars
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.titles import scenario_title

    settings = get_settings()
    console.print("[bold]kyodo デモ[/]: 電子申請ポータル（デモ）を起動し、標準シナリオを実行します。")
    with ProgressBars(console, "自治体ごとに処理中") as bar:
        report = run_demo(settings, lambda: load_registry(settings.registry_path), progress=bar)
    code = 0
    for name, results in report.results.items():
        console.rule(scenario_title(name))
        code |= print_results(results)
        for p in find_outputs(results):
            console.print(f"  出力: [bold]{p}[/]", highlight=False)
    console.rule("まとめ")
    console.print(f"所要時間: {report.seconds:.1f} 秒 / 実行履歴: kyodo runs list / データベース: {settings.db_url}")
    console.print(f"成果物フォルダ: {settings.runs_dir}")
    from kyodo.runner.scheduler.service import next_fire_times

    rows, _ = next_fire_times(load_registry(settings.registry_path))
    console.print("今後の実行予定（先頭5件、全件は kyodo schedule list）:")
    for r in rows[:5]:
        console.print(f"  {r.next_run:%Y-%m-%d %H:%M}  {r.name}({r.code})  {scenario_title(r.scenario)}  （{r.when}）", highlight=False)
    console.print("ダッシュボード: kyodo users add 名前 で職員を登録し、kyodo dashboard → http://127.0.0.1:8600/")
    raise typer.Exit(code)

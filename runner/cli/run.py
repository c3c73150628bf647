"""``kyodo run``: run a scenario now, for one municipality or all of them."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from kyodo.core.status import RunStatus
from kyodo.runner.cli._common import console, friendly_errors, load_context, parse_params


def _names() -> dict[str, str]:
    try:
        from kyodo.core.settings import get_settings
        from kyodo.runner.registry import load_registry

        return load_registry(get_settings().registry_path).names()
    except Exception:  # noqa: BLE001 - names are a courtesy in a result table
        return {}


def print_results(results: list[Any]) -> int:
    """Print one line per run; return the exit code (0 all ok, 1 any failed or partial)."""
    from rich.table import Table

    from kyodo.runner.scenario.titles import scenario_title

    names = _names()
    table = Table(title="実行結果", show_lines=False)
    for col in ("実行ID", "自治体", "シナリオ", "状態", "処理件数", "エラー件数", "成果物フォルダ"):
        table.add_column(col)
    label = {RunStatus.SUCCEEDED: "[green]成功[/]", RunStatus.PARTIAL: "[yellow]一部エラー[/]", RunStatus.FAILED: "[red]失敗[/]",
             RunStatus.SKIPPED: "済（重複）"}
    for r in results:
        table.add_row(r.run_id, f"{names.get(r.owner, r.owner)}({r.owner})", scenario_title(r.scenario), label.get(r.status, r.status), str(r.items_ok),
                      str(r.items_failed), str(r.artifact_dir))
    console.print(table)
    for r in results:
        for e in r.item_errors:
            console.print(f"  [yellow]![/] {escape(e['item'])}: {escape(e['message'])}", highlight=False)
        if r.error and r.status == RunStatus.FAILED:
            console.print(f"  [red]×[/] {escape(r.error)}", highlight=False)
        if r.status == RunStatus.SKIPPED:
            console.print(f"  済（重複）: {r.error}（実行ID {r.run_id}）。やり直すには kyodo runs rerun {r.run_id} --force", highlight=False)
    return 0 if all(r.status in (RunStatus.SUCCEEDED, RunStatus.SKIPPED) for r in results) else 1


def run(
    scenario: str = typer.Argument(..., help="シナリオ名（例: e_application_aggregation）またはYAMLファイル"),
    municipality: list[str] | None = typer.Option(None, "--municipality", "-m", help="自治体コード（複数指定可）"),
    all_: bool = typer.Option(False, "--all", help="台帳のすべての自治体で実行"),
    param: list[str] | None = typer.Option(None, "--param", "-p", help="パラメータ 名前=値（複数指定可）。リストは 'items=\\[a, b]'、対応表は 'map={a: b}'、日付は 2026-04-01 / 令和8年4月1日"),
    dry_run: bool = typer.Option(False, "--dry-run", help="何も操作せず、各ステップが何をするかだけ表示"),
) -> None:
    """シナリオを今すぐ実行します。"""
    code = _run(scenario, municipality, all_, param, dry_run)
    raise typer.Exit(code)


@friendly_errors
def _run(scenario: str, municipality: list[str] | None, all_: bool, param: list[str] | None, dry_run: bool) -> int:
    from kyodo.core.errors import BusinessError
    from kyodo.runner.submit import run_scenario

    if not municipality and not all_:
        raise BusinessError("対象の自治体を指定してください。", hint="--municipality 352039 または --all")
    if dry_run:
        return _dry_run(scenario, None if all_ else municipality, parse_params(param))
    from kyodo.runner.audit import current_user

    settings, registry, store = load_context()
    store.mark_interrupted()
    from kyodo.runner.progress import ProgressBars

    with ProgressBars(console, "自治体ごとに処理中") as bar:
        results = run_scenario(scenario, None if all_ else municipality, parse_params(param),
                               registry=registry, store=store, settings=settings, progress=bar,
                               requested_by=current_user())
    return print_results(results)


def _dry_run(scenario: str, codes: list[str] | None, params: dict[str, str]) -> int:
    """Resolve and print every step; no run record, no files, no browser, no secrets."""
    from kyodo.core.settings import get_settings
    from kyodo.runner.plan import plan_runs
    from kyodo.runner.registry import load_registry
    from kyodo.runner.scenario.dryrun import describe
    from kyodo.runner.scenario.loader import load_scenario

    settings = get_settings()
    registry = load_registry(settings.registry_path)
    sc = load_scenario(scenario)
    for plan in plan_runs(sc, registry, codes, params, dry_run=True):
        for line in describe(plan, sc, registry, settings):
            console.print(escape(line), highlight=False)
    return 0

"""``kyodo runs``: run history for staff — list, show, rerun.

Dates on the command line and on screen are Japanese calendar days and times (JST); the store
keeps UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.markup import escape

from kyodo.core.errors import ERROR_KIND_JA
from kyodo.core.jst import jst
from kyodo.core.status import STATUS_JA, TRIGGER_JA, RunStatus
from kyodo.runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="実行履歴を見る・再実行する。", no_args_is_help=True)



def parse_day(value: str | None, option: str) -> date | None:
    """``2026-10-01``, ``2026/10/1``, ``20261001``, ``令和8年10月1日`` (full-width digits too) as a date."""
    from kyodo.core.errors import BusinessError
    from kyodo.runner.store.store import parse_day as read_day

    if not value:
        return None
    try:
        return read_day(value)
    except ValueError:
        raise BusinessError(f"{option} の日付「{value}」を読めません。",
                            hint="YYYY-MM-DD の形で指定してください（例: 2026-10-01、令和8年10月1日 も可）。") from None


def parse_status(value: str | None) -> str | None:
    """A status in English or Japanese (「失敗」 works as well as ``failed``)."""
    from kyodo.core.errors import BusinessError

    if not value:
        return None
    v = value.strip().lower()
    if v in STATUS_JA:
        return v
    for k, ja in STATUS_JA.items():
        if value.strip() == ja:
            return k
    choices = " / ".join(f"{k}（{ja}）" for k, ja in STATUS_JA.items())
    raise BusinessError(f"状態「{value}」はありません。", hint=f"使える状態: {choices}")


@app.command("list")
@friendly_errors
def list_(
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コードまたは名前"),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="シナリオ名"),
    status: str | None = typer.Option(None, "--status", help="succeeded / partial / failed / interrupted …（失敗 などの日本語も可）"),
    on: str | None = typer.Option(None, "--date", help="この日の実行（YYYY-MM-DD）"),
    since: str | None = typer.Option(None, "--since", help="この日以降（YYYY-MM-DD）"),
    until: str | None = typer.Option(None, "--until", help="この日まで（YYYY-MM-DD）"),
    limit: int = typer.Option(50, "--limit", min=1, max=10000, help="表示する件数"),
) -> None:
    """実行履歴の一覧（新しい順）。"""
    from rich.table import Table

    from kyodo.runner.cli._common import municipality_code
    from kyodo.runner.scenario.titles import scenario_title
    from kyodo.runner.store import RunFilter

    _, registry, store = load_context()

    code = municipality_code(registry, municipality) if municipality else None
    day = parse_day(on, "--date")
    f = RunFilter(municipality=code, scenario=scenario, status=parse_status(status), limit=limit,
                  since=day or parse_day(since, "--since"), until=day or parse_day(until, "--until"))
    names = registry.names()
    rows = store.list_runs(f)
    t = Table(title=f"実行履歴（{len(rows)} 件）")
    for c in ("実行ID", "自治体", "シナリオ", "起動", "状態", "件数", "エラー", "開始"):
        t.add_column(c)
    for r in rows:
        t.add_row(r.id, names.get(r.municipality, r.municipality), escape(scenario_title(r.scenario)), TRIGGER_JA.get(r.trigger, r.trigger),
                  STATUS_JA.get(r.status, r.status), str(r.items_ok), str(r.items_failed), jst(r.started_at or r.created_at))
    console.print(t)
    if not rows:
        console.print("条件に合う実行はありません。")


@app.command("show")
@friendly_errors
def show(run_id: str = typer.Argument(..., help="実行ID")) -> None:
    """実行の詳細（ステップ記録と成果物）。"""
    from kyodo.core.privacy import mask_text

    _, registry, store = load_context()
    r = _get(store, run_id)
    names = registry.names()
    out = console.print
    from kyodo.runner.scenario.titles import human_result, scenario_title, step_title

    out(f"[bold]{r.id}[/] {escape(scenario_title(r.scenario))} v{escape(r.scenario_version)} / {names.get(r.municipality, r.municipality)}"
        f"（{r.municipality}） / [bold]{STATUS_JA.get(r.status, r.status)}[/]", highlight=False)
    out(f"  起動: {TRIGGER_JA.get(r.trigger, r.trigger)}  対象日: {r.logical_date or '-'}  開始: {jst(r.started_at)}"
        f"  終了: {jst(r.finished_at)}  件数: {r.items_ok}  エラー: {r.items_failed}  試行: {r.attempt}", highlight=False)
    if r.rerun_of:
        out(f"  再実行元: {r.rerun_of}", highlight=False)
    if r.error_message:
        out(f"  [red]エラー（{ERROR_KIND_JA.get(r.error_class or '', r.error_class)}）[/]: {escape(mask_text(r.error_message))}", highlight=False)
    out("[bold]ステップ[/]")
    for s in r.steps:
        msg = f" — {human_result(s.message)}" if human_result(s.message) else ""
        retry = f"（{s.attempt}回目）" if s.attempt > 1 else ""
        out(f"  {s.seq:>3} {jst(s.started_at, '%H:%M:%S')} {STATUS_JA.get(s.status, s.status):<5} {escape(s.item or '')} "
            f"{escape(step_title(r.scenario, s.step, s.action))}{retry}{escape(msg)}", highlight=False)
    out(f"[bold]成果物[/]（{escape(r.artifact_dir)}）")
    for a in r.artifacts:
        out(f"  {a.kind:<10} {escape(a.path)} ({a.size:,} バイト)", highlight=False)
    if r.status in (RunStatus.FAILED, RunStatus.INTERRUPTED, RunStatus.PARTIAL):
        out(f"再実行: kyodo runs rerun {r.id}")


@app.command("rerun")
@friendly_errors
def rerun(
    run_id: str = typer.Argument(..., help="再実行する実行ID"),
    part: str | None = typer.Option(None, "--municipality", "-m",
                                       help="複数自治体の実行のうち、この自治体（コードまたは名前）の分だけを再実行する"),
    force: bool = typer.Option(False, "--force", help="成功済みの日もやり直す（公開先の成果物は置き換わります）"),
) -> None:
    """失敗・中断・一部エラーの実行を同じ条件（パラメータ・対象日）で再実行します。

    一部の自治体だけ失敗した実行は、終わっている自治体の結果をそのまま使い、失敗した自治体だけを
    やり直して、1つの成果物にまとめます。ダッシュボードの「再実行」ボタンと同じ決まりで動きます
    （同じ実行の再実行が動いている間は受け付けず、再実行が成功した実行は --force なしではやり直しません）。

    それぞれの実行は自分の成果物フォルダを持ち、最終成果物は
    var/outputs/<自治体>/<シナリオ>/<対象日>/ に置き換えで公開されるので、重複しません。
    """
    from kyodo.runner.audit import current_user
    from kyodo.runner.cli._common import municipality_code
    from kyodo.runner.cli.run import print_results
    from kyodo.runner.executors import get_executor
    from kyodo.runner.rerun import AlreadyDone, kept_items, settle_claim, start_rerun

    settings, registry, store = load_context()
    interrupted = store.mark_interrupted()
    if interrupted:
        console.print(f"停止したプロセスの実行 {len(interrupted)} 件を「中断」にしました。")
    r = _get(store, run_id)
    code = municipality_code(registry, part) if part else None
    try:
        plan = start_rerun(store, r, runs_dir=settings.runs_dir, requested_by=current_user(), part=code, force=force,
                           names=registry.names())
    except AlreadyDone as done:  # the day's work is done: not an error, nothing is run twice
        console.print(f"済（重複）: {escape(done.message)}\n  やり直すには kyodo runs rerun {r.id} --force", highlight=False)
        raise typer.Exit(0) from None
    if plan.resume_from:
        kept = kept_items(r)
        if kept:
            console.print(f"前回の実行で終わっている {len(kept)} 自治体（{'、'.join(kept[:5])}{' …' if len(kept) > 5 else ''}）は"
                          "その結果を使い、残りだけをやり直します。", highlight=False)
    executor, results = get_executor(registry, store, settings), []
    try:
        results = executor.submit([plan])
    finally:
        settle_claim(store, plan, executor.name, results)  # a re-run the executor did not take never stays 待機中
    raise typer.Exit(print_results(results))


def _get(store: Any, run_id: str) -> Any:
    from kyodo.core.errors import BusinessError

    r = store.get_run(run_id.strip())
    if r is None:
        raise BusinessError(f"実行ID「{run_id}」はありません。", hint="kyodo runs list で実行IDを確認してください。")
    return r

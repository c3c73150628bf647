"""``kyodo audit``: list and verify the tamper-evident audit log."""

from __future__ import annotations

import typer
from rich.markup import escape

from kyodo.runner.cli._common import console, err_console, friendly_errors

app = typer.Typer(help="監査ログ。", no_args_is_help=True)


@app.command("list")
@friendly_errors
def list_(limit: int = typer.Option(50, "--limit", help="表示する件数")) -> None:
    """最近の監査ログを表示します。"""
    from rich.table import Table

    from kyodo.runner.audit import entries

    t = Table(title="監査ログ（新しい順）")
    for c in ("番号", "日時(UTC)", "誰が", "操作", "対象", "内容"):
        t.add_column(c)
    for r in entries(limit):
        t.add_row(str(r.id), f"{r.at:%Y-%m-%d %H:%M:%S}", escape(r.actor), r.action, escape(r.target), escape(r.detail))
    console.print(t)


@app.command("verify")
@friendly_errors
def verify() -> None:
    """監査ログが改ざん・削除されていないか確かめます。"""
    from kyodo.runner.audit import verify as _verify

    res = _verify()
    if res.ok:
        console.print(f"[green]✓[/] 監査ログ {res.checked} 件: 改ざん・削除はありません。")
        return
    err_console.print(f"[red]×[/] 監査ログに問題があります（{len(res.problems)} 件）:")
    for p in res.problems:
        err_console.print(f"  - {escape(p)}", highlight=False)
    raise typer.Exit(1)

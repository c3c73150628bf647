"""``kyodo municipalities`` and ``kyodo actions``: what is registered and what a scenario may call."""

from __future__ import annotations

import typer

from kyodo.runner.cli._common import console, friendly_errors


@friendly_errors
def municipalities() -> None:
    """自治体台帳の一覧を表示します。"""
    from rich.table import Table

    from kyodo.core.settings import get_settings
    from kyodo.runner.registry import load_registry

    reg = load_registry(get_settings().registry_path)
    t = Table(title=f"自治体台帳（{reg.source}）")
    for c in ("コード", "名称", "ネットワーク", "ポータル", "スケジュール数"):
        t.add_column(c)
    for m in [reg.prefecture, *reg.municipalities]:
        t.add_row(m.code, m.name, m.zone, m.portal_url or "", str(len(m.schedules)))
    console.print(t)


def actions(name: str | None = typer.Argument(None, help="アクション名（省略で一覧）")) -> None:
    """シナリオで使えるアクションの一覧・説明を表示します。"""
    from rich.table import Table

    from kyodo.robots import all_actions

    specs = all_actions()
    if name:
        spec = specs.get(name)
        if spec is None:
            import difflib

            close = difflib.get_close_matches(name, list(specs), n=1, cutoff=0.3)
            console.print(f"アクション「{name}」はありません。" + (f"`{close[0]}` ですか?" if close else ""))
            raise typer.Exit(2)
        console.print(f"[bold]{spec.name}[/] — {spec.title}\n", highlight=False)
        console.print(spec.doc, highlight=False)
        console.print(f"\nネットワーク: {', '.join(sorted(spec.zones))}\n\n例:\n{spec.example}", highlight=False)
        return
    t = Table(title="アクション一覧（kyodo actions 名前 で詳細）")
    t.add_column("名前")
    t.add_column("説明")
    for s in specs.values():
        t.add_row(s.name, s.title)
    console.print(t)

"""``kyodo report``: the effect report (hours saved) for a month."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="レポート。Reports.", no_args_is_help=True)


@app.command("effect")
@friendly_errors
def effect(
    month: str = typer.Option(..., "--month", help="対象月（YYYY-MM）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Excelに出力するファイル"),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", help="自治体コード（省略ですべて）"),
) -> None:
    """自治体・シナリオごとの処理件数と削減時間を表示します。Effect report."""
    from rich.table import Table

    from runner.report.effect import effect_rows, write_effect_workbook

    _, registry, store = load_context()
    names = registry.names()
    rows = effect_rows(store, month, names, [registry.get(municipality).code] if municipality else None)
    t = Table(title=f"効果測定 {month}")
    for c in ("自治体", "シナリオ", "実行回数", "処理件数", "要手作業", "1件あたり(分)", "削減時間"):
        t.add_column(c, justify="left" if c in ("自治体", "シナリオ") else "right")
    for r in rows:
        t.add_row(r.name, r.scenario, str(r.runs), f"{r.items:,}", f"{r.items_failed:,}", f"{r.minutes_per_item:g}",
                  f"{r.hours_saved:,.1f} 時間")
    console.print(t)
    if not rows:
        console.print(f"{month} に完了した実行はありません。")
    console.print(f"処理件数の合計: {sum(r.items for r in rows):,} 件　削減時間の合計: {sum(r.minutes for r in rows) / 60:,.1f} 時間")
    if output:
        if output.suffix.lower() != ".xlsx":
            from robots.errors import BusinessError

            raise BusinessError(f"出力先「{output}」は .xlsx にしてください。")
        write_effect_workbook(rows, month, output)
        console.print(f"Excel: {output}")

"""``kyodo report``: the effect report (hours saved) for a month."""

from __future__ import annotations

from pathlib import Path

import typer

from kyodo.runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="レポート（効果測定）。", no_args_is_help=True)


@app.command("effect")
@friendly_errors
def effect(
    month: str = typer.Option(..., "--month", help="対象月（YYYY-MM）"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Excelに出力するファイル"),
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コードまたは名前（省略ですべて）"),
    hourly: str | None = typer.Option(None, "--hourly-cost", help="1時間あたりの人件費（円）。削減時間を円に換算（既定: KYODO_HOURLY_COST）"),
) -> None:
    """自治体・シナリオごとの処理件数と削減時間（と削減額）を表示します。"""
    from rich.table import Table

    from kyodo.runner.cli._common import municipality_code
    from kyodo.runner.report.effect import effect_rows, effect_trend, hourly_cost, write_effect_workbook

    _, registry, store = load_context()
    names = registry.names()
    codes = [municipality_code(registry, municipality)] if municipality else None
    rows = effect_rows(store, month, names, codes)
    cost = hourly_cost(hourly)
    t = Table(title=f"効果測定 {month}")
    cols = ["自治体", "シナリオ", "実行回数", "処理件数", "要手作業", "1件あたり(分)", "削減時間"] + (["削減額"] if cost else [])
    for c in cols:
        t.add_column(c, justify="left" if c in ("自治体", "シナリオ") else "right")
    for r in rows:
        t.add_row(r.name, r.title or r.scenario, str(r.runs), f"{r.items:,}", f"{r.items_failed:,}", f"{r.minutes_per_item:g}",
                  f"{r.hours_saved:,.1f} 時間", *([f"{r.yen(cost):,} 円"] if cost else []))
    console.print(t)
    if not rows:
        console.print(f"{month} に完了した実行はありません。")
    minutes = sum(r.minutes for r in rows)
    console.print(f"処理件数の合計: {sum(r.items for r in rows):,} 件　削減時間の合計: {minutes / 60:,.1f} 時間"
                  + (f"　削減額の合計: {round(minutes / 60 * cost):,} 円（1時間 {cost:,.0f} 円）" if cost else ""))
    if output:
        if output.suffix.lower() != ".xlsx":
            from kyodo.core.errors import BusinessError

            raise BusinessError(f"出力先「{output}」は .xlsx にしてください。")
        write_effect_workbook(rows, month, output, cost, effect_trend(store, month, names, codes))
        console.print(f"Excel: {output}")

"""``kyodo ocr``: list the form templates and check one against a real scan while writing it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from runner.cli._common import console, friendly_errors

app = typer.Typer(help="紙の申請書のOCR（帳票テンプレート）。OCR form templates.", no_args_is_help=True)


@app.command("templates")
@friendly_errors
def templates() -> None:
    """使える帳票テンプレート（scenarios/forms）の一覧。List form templates."""
    from robots.ocr.templates import all_templates

    table = Table("名前", "様式", "項目数", "表題（様式の判別に使う文字）")
    for t in all_templates():
        table.add_row(t.name, t.title, str(len(t.fields)), t.anchor)
    console.print(table)


@app.command("check")
@friendly_errors
def check(
    template: str = typer.Argument(..., help="テンプレート名（scenarios/forms）か .yaml ファイル"),
    image: Optional[Path] = typer.Argument(None, exists=True, dir_okay=False, help="記入済みの様式をスキャンした画像・PDF（1ページ目を使います）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="枠を描いた確認用画像（PNG）の保存先"),
) -> None:
    """テンプレートを確かめます。画像を渡すと、各項目の枠を描いた画像と読み取り結果を表示します。Check a template.

    緑の枠は読み取れて検査に通った項目、赤の枠は「要確認」になる項目です。枠の位置がずれていたら
    box の値を直して、もう一度このコマンドを実行してください。
    """
    from robots.ocr.preview import draw_zones, preview_scan, save_png
    from robots.ocr.templates import load_template

    t = load_template(template)
    console.print(f"テンプレート「{escape(t.title)}」（{escape(t.name)}）: 項目 {len(t.fields)} 件、誤りはありません。", highlight=False)
    if image is None:
        table = Table("#", "項目", "種類", "枠 [x, y, 幅, 高さ]")
        for i, f in enumerate(t.fields, 1):
            table.add_row(str(i), escape(f.name), f.type, ", ".join(f"{v:.3f}" for v in f.box))
        console.print(table)
        if output is not None:
            import numpy as np

            from robots.ocr.align import H, W

            save_png(draw_zones(np.full((H, W), 255, dtype=np.uint8), t), output)
            console.print(f"枠の配置図: {output}")
        return
    p = preview_scan(image, t)
    if p.recognised_as is None:
        console.print(f"[yellow]注意[/]: 表題が「{escape(t.anchor)}」と読めません（読み取り:「{escape(p.title_read[:30])}」）。"
                      "本番ではこの様式と判別されません。anchor か anchor_box を確認してください。", highlight=False)
    if p.flipped:
        console.print("上下逆のスキャンでしたが、向きを直して読みました。")
    table = Table("#", "項目", "種類", "読み取り値", "確信度", "判定")
    for i, r in enumerate(p.fields, 1):
        verdict = f"[red]要確認[/]（{escape(r.problem or '確信度が低い')}）" if r.needs_review else "[green]OK[/]"
        value = r.value if r.value is not None else r.raw
        table.add_row(str(i), escape(r.name), r.type, escape(str(value)), f"{r.confidence:.2f}", verdict)
    console.print(table)
    if output is not None:
        save_png(p.image, output)
        console.print(f"確認用画像: {output}（緑 = OK、赤 = 要確認、青 = 表題）")

"""``kyodo ocr``: list the form templates and check one against a real scan while writing it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from kyodo.runner.cli._common import console, friendly_errors

app = typer.Typer(help="紙の申請書のOCR（帳票テンプレート）。", no_args_is_help=True)


@app.command("templates")
@friendly_errors
def templates() -> None:
    """使える帳票テンプレート（scenarios/forms）の一覧。"""
    from kyodo.robots.ocr.templates import all_templates

    table = Table("名前", "様式", "項目数", "表題（様式の判別に使う文字）")
    for t in all_templates():
        table.add_row(t.name, t.title, str(len(t.fields)), t.anchor)
    console.print(table)


@app.command("check")
@friendly_errors
def check(
    template: str = typer.Argument(..., help="テンプレート名（scenarios/forms）か .yaml ファイル"),
    image: Path | None = typer.Argument(None, exists=True, dir_okay=False, help="記入済みの様式をスキャンした画像・PDF（1ページ目を使います）"),
    output: Path | None = typer.Option(None, "--output", "-o", help="枠を描いた確認用画像（PNG）の保存先"),
) -> None:
    """テンプレートを確かめます。画像を渡すと、各項目の枠を描いた画像と読み取り結果を表示します。

    緑の枠は読み取れて検査に通った項目、赤の枠は「要確認」になる項目です。枠の位置がずれていたら
    box の値を直して、もう一度このコマンドを実行してください。
    """
    from kyodo.robots.ocr.preview import draw_zones, preview_scan, save_png
    from kyodo.robots.ocr.templates import load_template

    t = load_template(template)
    console.print(f"テンプレート「{escape(t.title)}」（{escape(t.name)}）: 項目 {len(t.fields)} 件、誤りはありません。", highlight=False)
    if image is None:
        table = Table("#", "項目", "種類", "枠 [x, y, 幅, 高さ]")
        for i, f in enumerate(t.fields, 1):
            table.add_row(str(i), escape(f.name), f.type, ", ".join(f"{v:.3f}" for v in f.zone))
        console.print(table)
        if output is not None:
            import numpy as np

            from kyodo.robots.ocr.render import H, W

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


@app.command("new-template")
@friendly_errors
def new_template(
    blank: Path = typer.Argument(..., exists=True, dir_okay=False, help="白紙の様式をスキャンした画像・PDF（1ページ目を使います）"),
    output: Path | None = typer.Option(None, "--output", "-o", help="テンプレート（YAML）の保存先（既定: 画面に表示）"),
    name: str | None = typer.Option(None, "--name", help="テンプレート名（英数字と _。既定: 出力ファイル名）"),
    preview: Path | None = typer.Option(None, "--preview", help="枠を描いた確認用画像（PNG）の保存先"),
) -> None:
    """白紙の様式からテンプレートの案を作ります。

    罫線で囲まれた空欄を記入欄に、□ をチェック欄（同じ欄に複数あればチェック群）にし、左の見出しの
    文字から種類（氏名・日付・電話番号・郵便番号・住所など）を推定します。できた YAML の項目名・種類を
    確かめて直し、kyodo ocr check で記入済みのスキャンと重ねて確認してください。
    """
    import re

    from kyodo.core.errors import BusinessError
    from kyodo.robots.excel import atomic_path
    from kyodo.robots.ocr.preview import draw_zones, save_png
    from kyodo.robots.ocr.propose import propose
    from kyodo.robots.ocr.templates import FormTemplate

    stem = name or (output.stem if output else "new_form")
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", stem):
        raise BusinessError(f"テンプレート名「{stem}」には英数字・_・- だけを使ってください。", where="--name",
                            hint="例: --name inkan_toroku")
    p = propose(blank, stem)
    if output is None:
        console.print(p.yaml, highlight=False, markup=False)
    else:
        if output.exists():
            raise BusinessError(f"「{output}」はすでにあります（上書きしません）。", where=str(output),
                                hint="別のファイル名を指定するか、元のファイルを移してください。")
        with atomic_path(output) as tmp:
            tmp.write_text(p.yaml, encoding="utf-8")
        console.print(f"テンプレートの案を書きました: {escape(str(output))}", highlight=False)
    table = Table("#", "項目", "種類", "推定の理由")
    for i, f in enumerate(p.template["fields"], 1):
        table.add_row(str(i), escape(f["name"]), f["type"], escape(p.reasons.get(f["name"], "")))
    console.print(table)
    for note in p.notes:
        console.print(f"[yellow]確認[/]: {escape(note)}", highlight=False)
    if preview is not None:
        save_png(draw_zones(_fit(p.page), FormTemplate.model_validate(p.template)), preview)
        console.print(f"枠の配置図: {escape(str(preview))}", highlight=False)


def _fit(page):
    """The blank page at the aligned-page size, so the zones are drawn where a scan's will be."""
    import cv2

    from kyodo.robots.ocr.render import H, W

    return cv2.resize(page, (W, H), interpolation=cv2.INTER_AREA)


@app.command("apply-review")
@friendly_errors
def apply_review(
    review: Path = typer.Argument(..., exists=True, dir_okay=False, help="「正しい値」を記入した読み取り結果のExcel"),
    data: Path | None = typer.Option(None, "--data", help="修正を書き込むデータのExcel（既定: 同じファイル）"),
) -> None:
    """要確認シートの「正しい値」をデータのシートに反映し、監査ログに記録します。

    すべての修正を先に確かめ（日付は日付として読めるか など）、1つでも誤りがあれば何も書き込まずに
    直すセルを表示します。反映した行には「反映済み」と日時が入るので、2回実行しても二重にはなりません。
    """
    from kyodo.robots.ocr.review import apply_review as _apply
    from kyodo.runner.audit import current_user, record

    res = _apply(review, data)
    if res.applied:
        record(current_user(), "ocr.apply_review", (data or review).name, f"{res.applied}件反映（要確認 残り{res.pending}件）")
    console.print(f"反映しました: {res.applied} 件 / 正しい値が未記入: {res.pending} 件 / 反映済み: {res.already} 件"
                  f"（データ: {escape(str(res.data))}）", highlight=False)

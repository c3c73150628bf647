"""OCR actions: read a folder of scanned forms into rows plus a review list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots import RunContext, action
from robots.errors import BusinessError


@action("ocr.read_forms", title="紙の申請書を読み取る（OCR）", zones=("lgwan", "mynumber"), personal_data=True, example="""
    - id: forms
      action: ocr.read_forms
      with:
        folder: scans
        templates: [risai_shomei, jido_teate_genkyo]
    """)
def read_forms(ctx: RunContext, *, folder: str, templates: list[str], ) -> Any:
    """スキャンした申請書（PNG / JPEG / TIFF / PDF）をフォルダごと読み取ります。

    用紙の四隅のマークで位置と傾きを補正し、表題から様式を見分け、項目ごとに読み取ります。
    日付（和暦）・電話番号・郵便番号・数字・金額は形式を確かめ、確信度が低い項目や形式に合わない項目は
    「要確認」として人が確認する一覧に回します（黙ってデータに入れません）。
    白紙・上下逆さ・別の様式・壊れたファイルも止まらずに「要確認（ファイル）」に載せ、残りを処理します。

    引数:
      folder: スキャン画像のフォルダ（自治体の入力フォルダからの相対パス）。
      templates: 読み取る様式のテンプレート名（scenarios/forms の名前、またはテンプレートファイル）。

    戻り値: 読み取り結果（ocr.write_workbook に渡します）。
    """
    from robots.ocr.reader import SCAN_SUFFIXES, read_batch
    from robots.ocr.templates import load_template

    base = ctx.input_path(folder)
    if not base.is_dir():
        raise BusinessError(f"フォルダ「{folder}」がありません。", where=str(base))
    tpls = [load_template(t if t.endswith(".yaml") is False else ctx.input_path(t)) for t in templates]
    files = sorted(p for p in base.iterdir() if p.suffix.lower() in SCAN_SUFFIXES)
    batch = read_batch(files, tpls, ctx.log)
    # Pages with doubtful fields are read (a person confirms them on the review sheet); only files
    # that could not be read at all count as failed items.
    ctx.count_items(ok=len(batch.pages))
    for r in batch.rejected:
        ctx.item_error(r["ファイル"], r["理由"])
    return {"batch": batch, "templates": tpls}


@action("ocr.write_workbook", title="読み取り結果をExcelに書き出す（要確認シート付き）", zones=("lgwan", "mynumber"), example="""
    - action: ocr.write_workbook
      with:
        result: ${forms}
        path: 申請書読取_${municipality.code}_${run.yyyymmdd}.xlsx
    """)
def write_workbook(ctx: RunContext, *, result: dict[str, Any], path: str) -> Path:
    """読み取り結果をExcelに書き出します。

    様式ごとのシート（要確認の行は黄色）、「要確認（項目）」シート（読み取り値の横に原本の画像）、
    「要確認（ファイル）」シート（読めなかったファイルと理由）を作ります。

    引数:
      result: ocr.read_forms の結果。
      path: 出力ファイル名。

    戻り値: 書き出したファイル。
    """
    from robots.ocr.reader import write_review_workbook

    if "batch" not in result:
        raise BusinessError("result には ocr.read_forms の結果を指定してください。")
    return write_review_workbook(result["batch"], result["templates"], ctx.artifact_path(path))

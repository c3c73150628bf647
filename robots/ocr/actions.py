"""OCR actions: read a folder of scanned forms into rows plus a review list, and write the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.ocr.reader import SCAN_SUFFIXES, columns, page_row, read_batch
from kyodo.robots.ocr.review import write_review_workbook
from kyodo.robots.ocr.templates import check_anchors, load_template


@dataclass
class OcrResult:
    """The outcome of ``ocr.read_forms``: per-form tables, the review list and unreadable files.

    ``tables`` maps each form's title to a DataFrame (one row per page), ``rows`` is all pages in
    one DataFrame, ``review`` the fields a person must check, ``rejected`` the files (and broken
    templates) that could not be read, with the reason.
    """

    batch: Any  # kyodo.robots.ocr.reader.Batch; broken templates are listed first in its ``rejected``
    templates: list[Any]

    @property
    def tables(self) -> dict[str, Any]:
        return {t.title: pd.DataFrame(self.batch.rows(t.name), columns=columns(t), dtype=object) for t in self.templates}

    @property
    def rows(self) -> Any:
        titles = {t.name: t.title for t in self.templates}
        return pd.DataFrame([{"様式": titles[p.form], **page_row(p)} for p in self.batch.pages], dtype=object)

    @property
    def review(self) -> Any:
        cols = ["ファイル", "様式", "項目", "読み取り値", "確信度", "理由"]
        return pd.DataFrame([[i.file, i.form, i.field, i.value, i.confidence, i.reason] for i in self.batch.review],
                            columns=cols, dtype=object)

    @property
    def rejected(self) -> Any:
        return pd.DataFrame(self.batch.rejected, columns=["ファイル", "理由"], dtype=object)


@action("ocr.read_forms", title="紙の申請書を読み取る（OCR）", zones=(Zone.LGWAN, Zone.MYNUMBER), personal_data=True, example="""
    - id: forms
      action: ocr.read_forms
      with:
        folder: scans
        templates: [risai_shomei, jido_teate_genkyo]
    """)
def read_forms(ctx: RunContext, *, folder: str, templates: list[str]) -> OcrResult:
    """スキャンした申請書（PNG / JPEG / TIFF / PDF）をフォルダごと読み取ります。

    横向き（90度・270度）や上下逆さのページは向きを直し、用紙の四隅のマークで位置と傾き（1〜3度）を
    補正して、テンプレートの枠（印刷された用紙に対する割合）を重ね、表題から様式を見分けて項目ごとに
    読み取ります。日付（和暦も、元年も）は日付（YYYY-MM-DD）にして元の書き方も残し、電話番号・
    郵便番号は全角数字やいろいろなハイフン（－ ー ‐ -）も読みます。氏名・住所の空白（全角）は残します。
    チェック群は選ばれた選択肢を、複数行テキストは行の順につないで返します。各項目は3回読み、結果が
    一致しない項目・確信度が低い項目・形式に合わない項目は「要確認」として人が確認する一覧に回します
    （黙ってデータに入れません）。2つのテンプレートの表題（anchor）が同じときは読み取りを始めません。
    白紙・別の様式・壊れたファイル・誤りのあるテンプレートは止まらずに「要確認（ファイル）」に載せ、
    残りを処理します。

    引数:
      folder: スキャン画像のフォルダ（自治体の入力フォルダからの相対パス）。
      templates: 読み取る様式（scenarios/forms のテンプレート名、または入力フォルダ内の .yaml ファイル）。

    戻り値: 読み取り結果。``tables``（様式ごとの表）、``rows``（全ページの表）、``review``（要確認の項目）、
      ``rejected``（読めなかったファイル）を持ち、ocr.write_workbook に渡せます。
    """
    base = ctx.input_path(folder)
    if not base.is_dir():
        raise BusinessError(f"フォルダ「{folder}」がありません。", where=folder,
                            hint="自治体の入力フォルダにスキャン画像のフォルダを置いてください。")
    if not templates:
        raise BusinessError("templates に読み取る様式を1つ以上指定してください。", where="templates")
    loaded, problems = [], []
    for name in templates:
        try:
            loaded.append(load_template(ctx.input_path(name) if Path(name).suffix else name))  # a file: confined
        except KyodoError as exc:
            problems.append({"ファイル": f"テンプレート {name}", "理由": str(exc)})
            ctx.log.warning("帳票テンプレート %s を使えません: %s", name, exc.message)
    if not loaded:
        raise BusinessError("使える帳票テンプレートがありません: " + " / ".join(p["理由"] for p in problems),
                            where="templates", hint="テンプレートの誤りを直してから実行してください。")
    check_anchors(loaded)  # two templates claiming one title: no page could be told apart
    files = sorted(p for p in base.iterdir() if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)
    skipped = sorted(p.name for p in base.iterdir() if p.is_file() and p.suffix.lower() not in SCAN_SUFFIXES
                     and not p.name.startswith(".") and p.suffix.lower() not in (".json",))
    if not files:
        ctx.log.warning("フォルダ「%s」にスキャン画像がありません", folder)
    with ctx.steps(len(files), "ファイル") as tick:
        batch = read_batch(files, loaded, ctx.log, tick)
    batch.rejected[:0] = problems
    batch.rejected += [{"ファイル": n, "理由": "対応していない形式です（PNG / JPEG / TIFF / PDF のみ）"} for n in skipped]
    # Pages with doubtful fields are read (a person confirms them on the review sheet); only files
    # that could not be read at all count as failed items.
    ctx.count_items(ok=len(batch.pages))
    for r in batch.rejected:
        ctx.item_error(r["ファイル"], r["理由"])
    ctx.log.info("OCR: %d ページ読取、要確認 %d 項目、読めないファイル %d 件",
                 len(batch.pages), len(batch.review), len(batch.rejected))
    return OcrResult(batch, loaded)


@action("ocr.write_workbook", title="読み取り結果をExcelに書き出す（要確認シート付き）", zones=(Zone.LGWAN, Zone.MYNUMBER), example="""
    - action: ocr.write_workbook
      with:
        result: ${forms}
        path: 申請書読取_${municipality.code}_${run.yyyymmdd}.xlsx
    """)
def write_workbook(ctx: RunContext, *, result: Any, path: str) -> Path:
    """読み取り結果をExcelに書き出します（一時ファイルに書いてから置き換えるので、途中で失敗しても前のファイルは残ります）。

    様式ごとのシート（要確認のセルは黄色で、理由をコメントに）、「要確認（項目）」シート（読み取り値の
    横に原本の該当部分の大きめの画像、正しい値を記入する欄）、「要確認（ファイル）」シート（読めなかった
    ファイルと理由）を作ります。正しい値を記入したら ``kyodo ocr apply-review ファイル.xlsx`` で
    データのシートに反映できます（監査ログに記録されます）。

    引数:
      result: ocr.read_forms の結果。
      path: 出力ファイル名（.xlsx）。

    戻り値: 書き出したファイル。
    """
    if not isinstance(result, OcrResult):
        raise BusinessError("result には ocr.read_forms の結果（例: ${forms}）を指定してください。", where="result")
    if not path.lower().endswith(".xlsx"):
        raise BusinessError(f"出力ファイル名「{path}」は .xlsx で終わる必要があります。", where="path")
    return write_review_workbook(result.batch, result.templates, ctx.artifact_path(path))

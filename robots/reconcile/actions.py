"""Reconcile actions: match 調定 and 収納, write the result workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from robots import RunContext, action
from robots.errors import BusinessError


@action("reconcile.match", title="調定と収納を照合する", zones=("lgwan", "mynumber"), example="""
    - id: result
      action: reconcile.match
      with:
        assessments: ${ledger}
        payments: ${payments}
        keys: [宛名番号, 年度, 税目, 期別]
    """)
def match(ctx: RunContext, *, assessments: Any, payments: Any, keys: list[str], assessed_column: str = "調定額",
          paid_column: str = "収納額") -> Any:
    """調定（賦課）と収納（入金）をキーで突き合わせ、1件ずつ区分します。

    区分: 完納 / 一部納付 / 過誤納（多く払われた）/ 重複納付（2回以上払われた）/ 未納 / 収納のみ（調定が無い入金）。

    引数:
      assessments: 調定の表（workbook.read_ledger の結果）。
      payments: 収納の表（zengin.read_payments の結果）。
      keys: 突き合わせるキーの列（例: 宛名番号・年度・税目・期別）。
      assessed_column: 調定額の列名。
      paid_column: 収納額の列名。

    戻り値: 照合結果の表（調定額・収納額・差額・収納件数・区分）。
    """
    from robots.reconcile.match import reconcile

    result = reconcile(assessments, payments, keys, assessed_column=assessed_column, paid_column=paid_column)
    follow = int((result["区分"] != "完納").sum())
    ctx.count_items(ok=len(result))
    ctx.log.info("照合: %d 件（要対応 %d 件）", len(result), follow)
    return result


@action("reconcile.write_report", title="照合結果をExcelに書き出す（テンプレート対応）", zones=("lgwan", "mynumber"), example="""
    - action: reconcile.write_report
      with:
        result: ${result}
        path: 調定収納照合_${municipality.code}_${run.yyyymmdd}.xlsx
        template: templates/tax_reconciliation.xlsx
    """)
def write_report(ctx: RunContext, *, result: Any, path: str, template: str = "templates/tax_reconciliation.xlsx",
                 title: str | None = None, assessed_column: str = "調定額", paid_column: str = "収納額") -> Path:
    """照合結果を、自治体の様式（テンプレート）を崩さずにExcelへ書き込みます。

    シート: 集計（区分ごとの件数と金額）、要対応（未納・過誤納など、担当者が対応状況を選べる一覧）、
    区分ごとの明細シート。テンプレートの書式（フォント・結合セル・「#,##0"円"」・和暦の日付表示・
    入力規則・条件付き書式）はそのまま残ります。

    引数:
      result: reconcile.match の結果。
      path: 出力ファイル名。
      template: 様式ファイル（標準の scenarios/templates/tax_reconciliation.xlsx か、自治体の入力フォルダのファイル）。
      title: 集計シートに書く自治体名（省略時は実行中の自治体）。
      assessed_column: 調定額の列名（reconcile.match と同じもの）。
      paid_column: 収納額の列名（reconcile.match と同じもの）。

    戻り値: 書き出したファイル。
    """
    from robots.reconcile.match import CLASSES, FOLLOW_UP, summarize
    from robots.reconcile.template import DETAIL_COLUMNS, SUMMARY_COLUMNS
    from robots.workbook.actions import template_path
    from robots.workbook.template import fill_table, open_template, save_atomic, set_cells

    wb = open_template(template_path(ctx, template))
    missing = [s for s in ("集計", "要対応", "明細") if s not in wb.sheetnames]
    if missing:
        raise BusinessError(f"様式にシート「{'」「'.join(missing)}」がありません。", where=template,
                            hint="標準様式 templates/tax_reconciliation.xlsx をもとに作ってください。")
    summary = summarize(result, assessed_column=assessed_column, paid_column=paid_column)
    ws = wb["集計"]
    set_cells(ws, {"B3": title or f"{ctx.municipality_name or ''}（{ctx.municipality_code or ''}）", "B4": date.today()})
    fill_table(ws, "A6", SUMMARY_COLUMNS, summary)
    detail = result.rename(columns={assessed_column: "調定額", paid_column: "収納額"})
    for col in DETAIL_COLUMNS:
        if col not in detail.columns:
            detail[col] = None
    detail["区分"] = detail["区分"].astype(str)
    fill_table(wb["要対応"], "A5", DETAIL_COLUMNS, detail[detail["区分"].isin(FOLLOW_UP)])
    base = wb["明細"]
    for cls in CLASSES:
        sh = wb.copy_worksheet(base)
        sh.title = cls
        sh["A1"] = f"明細: {cls}"
        fill_table(sh, "A5", DETAIL_COLUMNS, detail[detail["区分"] == cls])
    wb.remove(base)
    dest = save_atomic(wb, ctx.artifact_path(path))
    ctx.log.info("照合結果出力: %s", dest.name)
    return dest

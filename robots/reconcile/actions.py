"""Reconcile actions: match 調定 and 収納, write the result workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.reconcile.checks import date_check, sanity_checks
from kyodo.robots.reconcile.match import explain_unassessed, reconcile
from kyodo.robots.reconcile.outcome import Reconciliation, debit_summary, failed_debits
from kyodo.robots.reconcile.report import SHEET_STAGES, write_workbook
from kyodo.robots.workbook.actions import template_path


@action("reconcile.match", title="調定と収納を照合する", zones=(Zone.LGWAN, Zone.MYNUMBER), example="""
    - id: result
      action: reconcile.match
      with:
        assessments: ${ledger}
        payments: ${payments}
        keys: [宛名番号, 年度, 税目, 期別]
        min_match_rate: 0.9
        key_layout: ${params.key_layout}
    """)
def match(ctx: RunContext, *, assessments: Any, payments: Any, keys: list[str], assessed_column: str = "調定額",
          paid_column: str = "収納額", min_match_rate: float = 0.9, key_layout: dict[str, list[int]] | None = None) -> Any:
    """調定（賦課）と収納（入金）をキーで突き合わせ、1件ずつ区分します。

    区分: 完納 / 一部納付 / 過誤納（多く払われた）/ 重複納付（2回以上払われた）/ 未納 / 収納のみ（調定が無い入金）。
    収納のみの行には理由（台帳にない宛名番号・台帳にない年度・調定のない税目・調定のない期別）を「確認事項」に書きます。

    照合のあとで結果が確からしいかを確かめます。収納のうち調定と一致したものの割合が min_match_rate より低いとき
    （0 件一致のときは必ず）は「成功」にせず止まり、考えられる原因（宛名番号の桁数、年度、税目のコード対応）と、
    照合できなかったキーの例（宛名番号は一部を伏せて表示）を示します。全銀ファイルの入金額の合計と照合結果の
    収納額の合計も照らし合わせます。

    引数:
      assessments: 調定の表（workbook.read_ledger の結果）。
      payments: 収納の表（zengin.read_payments の結果）。
      keys: 突き合わせるキーの列（例: 宛名番号・年度・税目・期別）。
      assessed_column: 調定額の列名。
      paid_column: 収納額の列名。
      min_match_rate: 収納のうち調定と一致すべき割合の下限（0〜1、既定 0.9）。
      key_layout: 全銀の顧客番号の桁の設定（原因の説明に使います。zengin.read_payments と同じもの）。

    戻り値: 照合結果（区分ごとの表、確認の結果、振替不能の一覧、ファイルごとの件数）。
    """
    if not 0 <= min_match_rate <= 1:
        raise BusinessError(f"min_match_rate は 0〜1 で指定してください（{min_match_rate}）。", hint="例: 0.9（9割）")
    with ctx.steps(3, "段階") as stages:  # stages, not rows: each is one pandas operation over all rows
        stages.stage("突き合わせ")
        result = reconcile(assessments, payments, keys, assessed_column=assessed_column, paid_column=paid_column)
        stages.stage("収納のみの理由")
        result = explain_unassessed(result, assessments, keys)
        stages.stage("結果の確認")
        checks = sanity_checks(result, assessments, payments, keys, min_match_rate=min_match_rate, key_layout=key_layout,
                               paid_column=paid_column)
        when = date_check(payments, assessments)
        if when is not None:
            checks.append(when)
        out = Reconciliation(table=result, failed_debits=failed_debits(payments, result, keys),
                             debit_summary=debit_summary(payments), files=list(payments.attrs.get("files") or []),
                             checks=checks)
    follow = int((result["区分"] != "完納").sum())
    ctx.count_items(ok=len(result))
    ctx.log.info("照合: %d 件（要対応 %d 件、振替不能 %d 件）", len(result), follow, len(out.failed_debits))
    for c in checks:
        (ctx.log.warning if c.verdict != "OK" else ctx.log.info)("確認 %s: %s %s", c.item, c.verdict, c.detail)
    return out


@action("reconcile.write_report", title="照合結果をExcelに書き出す（テンプレート対応）", zones=(Zone.LGWAN, Zone.MYNUMBER), example="""
    - action: reconcile.write_report
      with:
        result: ${result}
        path: 調定収納照合_${municipality.code}_${run.yyyymmdd}.xlsx
        template: templates/tax_reconciliation.xlsx
    """)
def write_report(ctx: RunContext, *, result: Any, path: str, template: str = "templates/tax_reconciliation.xlsx",
                 title: str | None = None, assessed_column: str = "調定額", paid_column: str = "収納額") -> Path:
    """照合結果を、自治体の様式（テンプレート）を崩さずにExcelへ書き込みます。

    シート: 集計（区分ごとの件数と金額、照合の確認、振替結果コード別の件数と金額、全銀ファイルごとの
    引落日・件数・トレーラー照合）、要対応（未納・過誤納・収納のみ・検査数字の誤りなど、担当者が対応状況を
    選べる一覧）、再振替候補（振替不能の理由つき一覧）、区分ごとの明細シート。テンプレートの書式
    （フォント・結合セル・「#,##0"円"」・和暦の日付表示・入力規則・条件付き書式・ウィンドウ枠の固定・
    印刷設定）はそのまま残り、表の全行に同じ書式がつきます。

    引数:
      result: reconcile.match の結果。
      path: 出力ファイル名。
      template: 様式ファイル（標準の scenarios/templates/tax_reconciliation.xlsx か、自治体の入力フォルダのファイル）。
      title: 集計シートに書く自治体名（省略時は実行中の自治体）。
      assessed_column: 調定額の列名（reconcile.match と同じもの）。
      paid_column: 収納額の列名（reconcile.match と同じもの）。

    戻り値: 書き出したファイル。
    """
    with ctx.steps(SHEET_STAGES, "段階") as stages:
        dest = write_workbook(result, template_path(ctx, template), template, ctx.artifact_path(path),
                              title or f"{ctx.municipality_name or ''}（{ctx.municipality_code or ''}）",
                              assessed_column=assessed_column, paid_column=paid_column, stage=stages.stage)
    ctx.log.info("照合結果出力: %s", dest.name)
    return dest

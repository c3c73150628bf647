"""Workbook actions: read a system-exported ledger, fill the municipality's own template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots import RunContext, action
from robots.errors import BusinessError


def template_path(ctx: RunContext, template: str) -> Path:
    """A standard template (``templates/...`` shipped with kyodo) or one in the municipality's input folder.

    The municipality's own file wins when both exist, so a town can override the standard 様式.
    Paths outside the input folders (``../``) are refused before anything else is looked at.
    """
    from runner.settings import STANDARD_SCENARIOS

    own = ctx.input_path(template)
    if own.is_file() or not template.startswith("templates/"):
        return own
    standard = (STANDARD_SCENARIOS / template).resolve()
    if standard.parent == (STANDARD_SCENARIOS / "templates").resolve() and standard.is_file():
        return standard
    return own


@action("workbook.read_ledger", title="台帳（Excel）を読み込んで整える", zones=("lgwan", "mynumber", "internet"), personal_data=True,
        example="""
    - id: ledger
      action: workbook.read_ledger
      with:
        path: ${params.ledger}
        required_columns: [宛名番号, 年度, 税目, 期別, 調定額]
        date_columns: [納期限]
        amount_columns: [調定額]
        key_widths: {宛名番号: 10, 年度: 4, 税目: 2, 期別: 2}
    """)
def read_ledger(
    ctx: RunContext,
    *,
    path: str,
    required_columns: list[str],
    sheet: str | int = 0,
    rename: dict[str, str] | None = None,
    date_columns: list[str] | None = None,
    amount_columns: list[str] | None = None,
    key_widths: dict[str, int] | None = None,
) -> Any:
    """業務システムから出力したExcel台帳を読み込み、照合に使えるきれいな表にします。

    表題の行・結合された見出し（2行にまたがる見出しも）・末尾の「合計」行があっても読めます。
    全角数字・半角カナはそろえ、和暦の日付（令和6年4月1日、R6.4.1、和暦表示のセル）や
    金額（1,234円、¥1,234、△500）も読めます。読めない値があると、ファイル名・行・列を示して止まり、
    出力ファイルは作りません。

    引数:
      path: 台帳ファイル（入力フォルダからの相対パス）。
      required_columns: 必ず必要な列名（この列名がそろった行を見出しとして探します）。
      sheet: シート名か番号（0 が先頭）。
      rename: 列名の付け替え（例: {あて名番号: 宛名番号, 期: 期別}）。
      date_columns: 日付として読む列。
      amount_columns: 金額（円）として読む列。
      key_widths: 数字の桁をそろえる列（例: {期別: 2} で「1」を「01」に）。

    戻り値: 表（行番号はExcelの行番号のまま）。
    """
    from robots.workbook.ledger import LedgerSpec
    from robots.workbook.ledger import read_ledger as _read

    p = ctx.input_path(path)
    spec = LedgerSpec(required_columns=required_columns, sheet=sheet, rename=rename or {},
                      date_columns=date_columns or [], amount_columns=amount_columns or [], key_widths=key_widths or {},
                      personal_columns=list(ctx.settings.get("personal_columns", [])))
    df = _read(p, spec)  # registers the personal columns itself, before any message can quote them
    ctx.log.info("台帳読込: %s（%d 行）", p.name, len(df))
    return df


@action("workbook.fill_template", title="Excelの様式（テンプレート）に書き込む", zones=("lgwan", "mynumber", "internet"),
        example="""
    - action: workbook.fill_template
      with:
        template: templates/my_form.xlsx
        path: 結果_${municipality.code}.xlsx
        cells: {集計: {B3: "${municipality.name}"}}
        tables:
          - {sheet: 明細, start: A5, table: "${result}", columns: [宛名番号, 氏名, 調定額]}
    """)
def fill_template(
    ctx: RunContext,
    *,
    template: str,
    path: str,
    tables: list[dict[str, Any]] | None = None,
    cells: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """自治体の様式（Excelテンプレート）に値と表を書き込み、別名で保存します。

    フォント・結合セル・表示形式（「#,##0"円"」や和暦の日付）・入力規則・条件付き書式はそのまま残ります。
    表の2行目以降は、様式の最初の行と同じ書式になります。保存は一時ファイル経由なので、途中で失敗しても
    前の出力は壊れません。

    引数:
      template: 様式ファイル（入力フォルダのファイルか、標準の templates/...）。
      path: 出力ファイル名（この実行の成果物フォルダに作られます）。
      tables: 書き込む表の一覧。各要素は {sheet: シート名, start: 左上のセル（例 A5）, table: 表, columns: 列の並び}。
      cells: 単独のセルに書く値。{シート名: {B3: 値}}。

    戻り値: 書き出したファイル。
    """
    import pandas as pd

    from robots.workbook.template import fill_table, open_template, save_atomic, set_cells

    wb = open_template(template_path(ctx, template))

    def sheet(name: str) -> Any:
        if name not in wb.sheetnames:
            raise BusinessError(f"様式にシート「{name}」がありません。", where=template, hint=f"シート: {', '.join(wb.sheetnames)}")
        return wb[name]

    for name, values in (cells or {}).items():
        ws = sheet(name)
        try:
            set_cells(ws, values)
        except BusinessError as exc:
            raise exc.located(template) from None
    written = 0
    for i, t in enumerate(tables or [], 1):
        if not isinstance(t, dict) or not {"sheet", "start", "table"} <= set(t):
            raise BusinessError(f"tables の {i} 番目に sheet・start・table のどれかがありません。",
                                hint="{sheet: 明細, start: A5, table: ${表}, columns: [...]} の形で指定してください。")
        table = t["table"]
        if not isinstance(table, pd.DataFrame):
            raise BusinessError(f"tables の {i} 番目（シート「{t['sheet']}」）の table が表ではありません"
                                f"（{type(table).__name__}）。", where=template,
                                hint="表を返すステップの結果を ${ステップのid} の形で指定してください（例: table: ${ledger}）。")
        ws = sheet(t["sheet"])
        try:
            written += fill_table(ws, str(t["start"]), list(t.get("columns") or table.columns), table)
        except BusinessError as exc:
            raise exc.located(template) from None
    dest = save_atomic(wb, ctx.artifact_path(path))
    ctx.log.info("様式出力: %s（%d 行）", dest.name, written)
    return dest

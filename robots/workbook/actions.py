"""Workbook actions: read a system-exported ledger, fill the municipality's own template."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.settings import STANDARD_SCENARIOS
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.workbook.ledger import LEDGER_STAGES, LedgerSpec
from kyodo.robots.workbook.ledger import read_ledger as _read
from kyodo.robots.workbook.template import fill_table, open_template, save_atomic, set_cells


def template_path(ctx: RunContext, template: str) -> Path:
    """A standard template (``templates/...`` shipped with kyodo) or one in the municipality's input folder.

    The municipality's own file wins when both exist, so a town can override the standard 様式.
    Paths outside the input folders (``../``) are refused before anything else is looked at.
    """
    own = ctx.input_path(template)
    if own.is_file() or not template.startswith("templates/"):
        return own
    standard = (STANDARD_SCENARIOS / template).resolve()
    if standard.parent == (STANDARD_SCENARIOS / "templates").resolve() and standard.is_file():
        return standard
    return own


@action("workbook.read_ledger", title="台帳（Excel）を読み込んで整える", zones=(Zone.LGWAN, Zone.MYNUMBER, Zone.INTERNET), personal_data=True,
        example="""
    - id: ledger
      action: workbook.read_ledger
      with:
        path: ${params.ledger}
        required_columns: [宛名番号, 年度, 税目, 期別, 調定額]
        column_map: {あて名番号: 宛名番号, 調定額/均等割: 均等割, 調定額/法人税割: 法人税割}
        date_columns: [納期限]
        amount_columns: [調定額]
        amount_parts: {調定額: [均等割, 法人税割]}
        year_columns: [年度]
        value_maps: {税目: {法人市民税: "04"}}
        key_widths: {宛名番号: 8, 年度: 4, 税目: 2, 期別: 2}
        check_digits: {法人番号: 法人番号}
    """)
def read_ledger(
    ctx: RunContext,
    *,
    path: str,
    required_columns: list[str],
    sheet: str | int = 0,
    rename: dict[str, str] | None = None,
    column_map: dict[str, str] | None = None,
    date_columns: list[str] | None = None,
    amount_columns: list[str] | None = None,
    key_widths: dict[str, int] | None = None,
    year_columns: list[str] | None = None,
    value_maps: dict[str, dict[str, Any]] | None = None,
    amount_parts: dict[str, list[str]] | None = None,
    check_digits: dict[str, str] | None = None,
    header_rows: int | None = None,
    header_row: int | None = None,
) -> Any:
    """業務システムから出力したExcel台帳を読み込み、照合に使えるきれいな表にします。

    表題の行・結合された見出し（2行・3行にまたがる見出しも）・小計行・末尾の「合計」行があっても読めます。
    2行の見出しは「上の見出し/下の見出し」という列名になります（例: 調定額/均等割）。
    全角数字・半角カナはそろえ、和暦の日付（令和6年4月1日、R6.4.1、和暦表示のセル）や
    金額（1,234円、¥1,234、△500）、年度（令和6年度、R6 → 2024）、期別（第1期 → 01）も読めます。
    「合計」行の金額は明細の合計と照らし合わせ、合わなければ止まります（出力が途中で切れた台帳を防ぎます）。
    読めない値があると、ファイル名とセル（例: ledger.xlsx G782）を示して止まり、出力ファイルは作りません。
    法人番号などの検査数字が正しくない行は「確認事項」列に書いて残します（捨てません）。

    引数:
      path: 台帳ファイル（入力フォルダからの相対パス）。
      required_columns: 必ず必要な列名（この列名がそろった行を見出しとして探します）。
      sheet: シート名か番号（0 が先頭）。
      rename: column_map と同じ（古い名前）。
      column_map: 台帳の列名 → 標準の列名（例: {あて名番号: 宛名番号, 調定額/均等割: 均等割}）。
      date_columns: 日付として読む列。
      amount_columns: 金額（円）として読む列。
      key_widths: 数字の桁をそろえる列（例: {期別: 2} で「1」「第1期」を「01」に）。
      year_columns: 年度として読む列（令和6年度・R6・2024 → 2024）。
      value_maps: 値の置き換え（例: {税目: {法人市民税: "04", 個人住民税: "01"}}）。
      amount_parts: 内訳の列（例: {調定額: [均等割, 法人税割]}）。合計の列がなければ内訳の和で作り、あれば一致を確かめます。
      check_digits: 検査数字を確かめる列と種類（法人番号・個人番号・自治体コード。例: {法人番号: 法人番号}）。
      header_rows: 見出しの行数（省略時は自動。うまく読めないときに 2 などを指定）。
      header_row: 見出しが始まる行（Excelの行番号。省略時は自動）。

    戻り値: 表（行番号はExcelの行番号のまま）。
    """
    p = ctx.input_path(path)
    spec = LedgerSpec(required_columns=required_columns, sheet=sheet if sheet != "" else 0,
                      rename={**(rename or {}), **(column_map or {})},
                      date_columns=date_columns or [], amount_columns=amount_columns or [], key_widths=key_widths or {},
                      year_columns=year_columns or [], value_maps=value_maps or {}, amount_parts=amount_parts or {},
                      check_digits=check_digits or {}, header_rows=header_rows or None, header_row=header_row or None,
                      personal_columns=list(ctx.settings.get("personal_columns", [])))
    with ctx.steps(LEDGER_STAGES, "段階") as stages:
        df = _read(p, spec, stages.stage)  # registers the personal columns itself, before any message can quote them
    footer = df.attrs.get("footer")
    ctx.log.info("台帳読込: %s（%d 行%s）", p.name, len(df), f"、合計行 {footer.row} 行目と一致" if footer else "")
    flagged = int((df["確認事項"] != "").sum()) if "確認事項" in df.columns else 0
    if flagged:
        ctx.log.warning("台帳: 検査数字の誤りなど %d 行（確認事項に記載、照合は続けます）", flagged)
    return df


@action("workbook.fill_template", title="Excelの様式（テンプレート）に書き込む", zones=(Zone.LGWAN, Zone.MYNUMBER, Zone.INTERNET),
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
    written = _fill_tables(ctx, sheet, tables or [], template)
    dest = save_atomic(wb, ctx.artifact_path(path))
    ctx.log.info("様式出力: %s（%d 行）", dest.name, written)
    return dest


def _fill_tables(ctx: RunContext, sheet: Callable[[str], Any], tables: list[Any], template: str) -> int:
    """Check every ``tables`` entry first, then write them with one row count for progress."""
    todo = []
    for i, t in enumerate(tables, 1):
        if not isinstance(t, dict) or not {"sheet", "start", "table"} <= set(t):
            raise BusinessError(f"tables の {i} 番目に sheet・start・table のどれかがありません。",
                                hint="{sheet: 明細, start: A5, table: ${表}, columns: [...]} の形で指定してください。")
        table = t["table"]
        if not isinstance(table, pd.DataFrame) and isinstance(getattr(table, "table", None), pd.DataFrame):
            table = table.table  # a reconcile.match result: its per-key table
        if not isinstance(table, pd.DataFrame):
            raise BusinessError(f"tables の {i} 番目（シート「{t['sheet']}」）の table が表ではありません"
                                f"（{type(table).__name__}）。", where=template,
                                hint="表を返すステップの結果を ${ステップのid} の形で指定してください（例: table: ${ledger}）。")
        todo.append((sheet(t["sheet"]), str(t["start"]), list(t.get("columns") or table.columns), table))
    written = 0
    with ctx.steps(sum(len(t[3]) for t in todo), "行") as tick:
        for ws, start, columns, table in todo:
            try:
                written += fill_table(ws, start, columns, table, tick=partial(tick, item=ws.title))
            except BusinessError as exc:
                raise exc.located(template) from None
    return written


from kyodo.robots.workbook import columns as _columns  # noqa: E402, F401  (last, as columns imports this module; registers workbook.write_column)

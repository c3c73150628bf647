"""Spreadsheet actions: read CSV exports, write Excel reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.privacy import register_personal_columns
from kyodo.robots import RunContext, action
from kyodo.robots.excel.csvread import read_csv_file
from kyodo.robots.excel.report import Sheet, write_workbook
from kyodo.robots.normalize.columns import ReadOptions, apply_read_options


@action(
    "excel.read_csv",
    title="CSVを読み込む",
    example="""
    - id: table
      action: excel.read_csv
      with:
        path: ${csv}
        required_columns: [受付番号, 手続名, 状態]
        rename: ${m.params.column_map}
    """,
)
def read_csv(
    ctx: RunContext,
    *,
    path: str | Path,
    encoding: str = "auto",
    required_columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
    parse_dates: list[str] | None = None,
    fullwidth_kana: bool = False,
    number_columns: list[str] | None = None,
    status_column: str | None = None,
    status_map: dict[str, str] | None = None,
    statuses: list[str] | None = None,
    date_column: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> Any:
    """CSVファイルを表として読み込みます。値のそろえ方（読み込みオプション）も指定できます。

    文字コードは自動判別します（Shift_JIS / UTF-8 / BOM付きUTF-8 / UTF-16。タブ区切りも読めます）。
    壊れたCSVは黙って読まずに、ファイル名と行番号を示して止まります: 読めない文字・NUL などの制御文字・
    項目数が見出しと合わない行・閉じていない引用符（"）・重複した列名・2つのファイルをつなげたもの・
    改行の無い巨大な1行。末尾の EOF 記号（0x1A）は無視します。

    列名は全角英数を半角にそろえ、
    空白を取り除き、ハイフンの種類をそろえます（「期　別」も「期別」として扱います。Excel台帳と同じ規則）。
    列名を書く引数（required_columns / rename / parse_dates / number_columns など）も同じ規則で
    そろえてから比べるので、CSVの見出しのとおり「氏名（漢字）」と書けば一致します。

    引数:
      path: CSVファイル。前のステップ（ダウンロードなど）の結果か、入力フォルダからの相対パス。
      encoding: 文字コード。通常は auto（自動）。cp932 / utf-8-sig も指定できます。
      required_columns: 必ず必要な列名。無いときは、どの列が無いか・似た列名はどれかを表示して止まります。
      rename: 列名の付け替え（システムごとの列名の違いを吸収）。例: {申請者名: 申請者氏名}
      parse_dates: 日時として読む列（例: [受付日時]）。「2024/04/01 9:30」「R6.4.1 09:30」「令和6年4月15日（月）」
        「令和元年5月1日」なども読みます。読めない値があれば行番号つきで止まります。
      fullwidth_kana: true にすると半角カタカナ（ﾔﾏﾀﾞ）を全角（ヤマダ）にそろえます。
      number_columns: 番号の列（電話番号・郵便番号など）。全角数字・全角ハイフンを半角にそろえます。
      status_column: 状態の列名（例: 状態）。status_map で標準の言葉に置き換えます。
      status_map: 状態の言葉の対応（システムの言葉 → 標準の言葉）。例: {処理中: 審査中}
      statuses: 標準の状態の一覧。対応付けられない言葉があれば、黙って通さずに止まります。
      date_column: date_from / date_to で絞り込む日時の列（省略時は parse_dates の最初の列）。
      date_from: この日以降の行だけ残します（2024-04-01、2024/4/1、令和6年4月1日 など）。
      date_to: この日までの行だけ残します。

    戻り値: 表（以降のステップで ${id} として使えます）。
    """
    p = Path(path)
    p = p if p.is_absolute() and str(p).startswith(str(ctx.artifact_dir)) else ctx.input_path(p)
    df = read_csv_file(p, encoding=encoding, rename=rename)
    register_personal_columns(df, ctx.settings.get("personal_columns", []))  # before any message can quote them
    opts = ReadOptions.of(required_columns=required_columns, parse_dates=parse_dates, fullwidth_kana=fullwidth_kana,
                          number_columns=number_columns, status_column=status_column, status_map=status_map,
                          statuses=statuses, date_column=date_column, date_from=date_from, date_to=date_to)
    df = apply_read_options(df, opts, where=p.name)
    register_personal_columns(df, ctx.settings.get("personal_columns", []))
    ctx.log.info("CSV読込: %s（%d 行）", p.name, len(df))
    return df


@action(
    "excel.write_report",
    title="Excelの報告書を書き出す",
    example="""
    - id: report
      action: excel.write_report
      with:
        path: 電子申請取りまとめ_${run.yyyymmdd}.xlsx
        summary: ${summary}
        summary_title: 集計
        sheets: ${towns}
    """,
)
def write_report(
    ctx: RunContext,
    *,
    path: str,
    sheets: list[dict[str, Any]] | None = None,
    summary: Any = None,
    summary_title: str = "集計",
    notes: list[str] | None = None,
    errors_sheet: bool = True,
) -> Path:
    """表をExcelブック（.xlsx）に書き出します。

    見出しの色・罫線・列幅・日付や金額の表示形式・オートフィルタを設定し、游ゴシックで書きます。
    書き込みは一時ファイルに行ってから置き換えるので、途中で失敗しても前のファイルは壊れません。
    「=」「+」「-」「@」で始まる文字（=HYPERLINK(…) など）は数式にせず、文字として書きます（数値は数値のまま）。
    Excelの上限（1,048,576 行・16,384 列・1セル 32,767 文字）を超える表は、切り詰めずにシートとセルを示して止まります。

    引数:
      path: 出力ファイル名（この実行の成果物フォルダに作られます。フォルダ（../ や /）は書けません）。
      sheets: シートの一覧。各要素は {sheet: シート名, table: 表}。for_each の collect の結果をそのまま渡せます。
      summary: 先頭に置く集計表（省略可）。
      summary_title: 集計シートの名前。
      notes: 集計シートの上に書く注記（作成日時など）。
      errors_sheet: エラーになった項目があれば「エラー」シートに一覧を書く。

    戻り値: 書き出したファイルのパス。
    """
    out: list[Sheet] = []
    if summary is not None:
        out.append(Sheet(summary_title, summary, notes))
    for i, s in enumerate(sheets or []):
        if s is None:
            continue
        if not isinstance(s, dict) or "table" not in s:
            raise BusinessError(f"sheets の {i + 1} 番目に table がありません。", hint="{sheet: 名前, table: ${表}} の形で渡してください。")
        out.append(Sheet(str(s.get("sheet") or f"Sheet{i + 1}"), s["table"]))
    if errors_sheet and ctx.stats.item_errors:
        errs = pd.DataFrame(ctx.stats.item_errors).rename(columns={"item": "項目", "message": "エラー内容"})
        out.append(Sheet("エラー", errs, ["処理できなかった項目（対処して再実行してください）"]))
    if not out:
        raise BusinessError("書き出す表がありません。", hint="sheets か summary を指定してください。")
    dest = ctx.artifact_path(path)
    with ctx.steps(sum(len(s.table) if hasattr(s.table, "__len__") else 0 for s in out), "行") as tick:
        write_workbook(dest, out, tick)
    ctx.log.info("Excel出力: %s（%d シート）", dest.name, len(out))
    return dest

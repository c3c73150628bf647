"""Spreadsheet actions: read CSV exports, write Excel reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots import RunContext, action
from robots.errors import BusinessError
from robots.privacy import register_personal_columns
from robots.excel.csvread import read_csv_file
from robots.excel.report import Sheet, write_workbook


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
) -> Any:
    """CSVファイルを表として読み込みます。

    文字コードは自動判別します（Shift_JIS / UTF-8 / BOM付きUTF-8）。列名は全角英数を半角にそろえ、
    空白を取り除き、ハイフンの種類をそろえます（「期　別」も「期別」として扱います。Excel台帳と同じ規則）。

    引数:
      path: CSVファイル。前のステップ（ダウンロードなど）の結果か、入力フォルダからの相対パス。
      encoding: 文字コード。通常は auto（自動）。cp932 / utf-8-sig も指定できます。
      required_columns: 必ず必要な列名。無いときは、どの列が無いか・似た列名はどれかを表示して止まります。
      rename: 列名の付け替え（自治体ごとの列名の違いを吸収）。例: {申請者名: 申請者氏名}
      parse_dates: 日時として読む列（例: [受付日時]）。「2024/04/01 9:30:15」などを日時にします。

    戻り値: 表（以降のステップで ${id} として使えます）。
    """
    p = Path(path)
    p = p if p.is_absolute() and str(p).startswith(str(ctx.artifact_dir)) else ctx.input_path(p)
    df = read_csv_file(p, encoding=encoding, required_columns=required_columns, rename=rename)
    register_personal_columns(df, ctx.settings.get("personal_columns", []))  # before any message can quote them
    if parse_dates:
        import pandas as pd

        for col in parse_dates:
            if col not in df.columns:
                raise BusinessError(f"日時の列「{col}」がありません。", where=p.name)
            parsed = pd.to_datetime(df[col].str.strip(), format="mixed", errors="coerce")
            bad = df.index[parsed.isna() & (df[col].str.strip() != "")]
            if len(bad):
                raise BusinessError(f"「{col}」に日時として読めない値があります（{int(bad[0]) + 2} 行目）。", where=p.name)
            df[col] = parsed
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

    引数:
      path: 出力ファイル名（この実行の成果物フォルダに作られます）。
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
        import pandas as pd

        errs = pd.DataFrame(ctx.stats.item_errors).rename(columns={"item": "項目", "message": "エラー内容"})
        out.append(Sheet("エラー", errs, ["処理できなかった項目（対処して再実行してください）"]))
    if not out:
        raise BusinessError("書き出す表がありません。", hint="sheets か summary を指定してください。")
    dest = ctx.artifact_path(path)
    write_workbook(dest, out)
    ctx.log.info("Excel出力: %s（%d シート）", dest.name, len(out))
    return dest

"""``workbook.write_column``: write result columns back into the staff's own workbook, by key.

The workbook is opened with openpyxl so fonts, widths, merges and other sheets survive; the
result column is found by its heading (or added after the last heading) and each row gets the
value for its key. Saving is atomic. Keys that are not in the workbook fail the step: a result
that lands nowhere must never look like success.
"""

from __future__ import annotations

import shutil
from copy import copy
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.excel._cells import check_size, write_cell
from kyodo.robots.excel._xlsxcheck import check_workbook_file
from kyodo.robots.normalize import normalize_header, normalize_text
from kyodo.robots.workbook.template import save_atomic

_HEADER_ROWS = 30


def _key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else normalize_text(value)


def _header_row(ws: Any, key_column: str, rename: dict[str, str]) -> tuple[int, dict[str, int]]:
    want = normalize_header(key_column)
    mapping = {normalize_header(k): normalize_header(v) for k, v in rename.items()}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, _HEADER_ROWS)):
        names = {mapping.get(normalize_header(c.value), normalize_header(c.value)): c.column
                 for c in row if c.value not in (None, "")}
        if want in names:
            return row[0].row, names
    raise BusinessError(f"見出しに「{key_column}」のある行が見つかりません（先頭 {_HEADER_ROWS} 行）。", where=ws.title,
                        hint="key_column にブックの見出しと同じ列名を指定してください。")


def write_columns(path: Path, key_column: str, values: dict[str, dict[str, Any]], sheet: str | int = 0,
                  rename: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Write ``values[key][heading]`` into ``path`` in place; return rows written and keys not found."""
    check_workbook_file(path)  # a deflate bomb is refused before openpyxl inflates it
    wb = load_workbook(path)
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    except (IndexError, KeyError):
        raise BusinessError(f"シート「{sheet}」がありません。", where=path.name, hint=f"シート: {', '.join(wb.sheetnames)}") from None
    hrow, names = _header_row(ws, key_column, rename or {})
    key_col = names[normalize_header(key_column)]
    headings = sorted({h for row in values.values() for h in row})
    last = max(names.values())
    cols = {}
    for h in headings:
        col = names.get(normalize_header(h))
        if col is None:
            last += 1
            col = last
            check_size(1, col, f"{path.name} {ws.title}")
            cell, left = ws.cell(row=hrow, column=col), ws.cell(row=hrow, column=key_col)
            write_cell(cell, h, f"{path.name} {ws.title}")
            cell.font, cell.fill, cell.border, cell.alignment = copy(left.font), copy(left.fill), copy(left.border), copy(left.alignment)
            ws.column_dimensions[cell.column_letter].width = max(12, len(h) * 2 + 2)
        cols[h] = col
    seen, written = set(), 0
    for r in range(hrow + 1, ws.max_row + 1):
        k = _key(ws.cell(row=r, column=key_col).value)
        if k in values:
            seen.add(k)
            for h, v in values[k].items():
                write_cell(ws.cell(row=r, column=cols[h]), v, f"{path.name} {ws.title}")  # formula-like text stays text
            written += 1
    save_atomic(wb, path)
    return written, sorted(set(values) - seen)


def _as_mapping(values: Any, key_column: str, columns: list[str] | None) -> dict[str, dict[str, Any]]:
    if isinstance(values, pd.DataFrame):
        if key_column not in values.columns:
            raise BusinessError(f"values の表に列「{key_column}」がありません。", hint=f"表の列: {', '.join(map(str, values.columns))}")
        cols = columns or [c for c in values.columns if c != key_column]
        missing = [c for c in cols if c not in values.columns]
        if missing:
            raise BusinessError(f"values の表に列「{'」「'.join(missing)}」がありません。")
        return {_key(r[key_column]): {c: (None if pd.isna(r[c]) else r[c]) for c in cols}
                for r in values.to_dict("records")}
    if isinstance(values, dict):
        heading = (columns or ["結果"])[0]
        return {_key(k): (v if isinstance(v, dict) else {heading: v}) for k, v in values.items()}
    raise BusinessError(f"values は表か {{キー: 値}} で指定してください（{type(values).__name__}）。")


@action("workbook.write_column", title="Excelに結果の列を書き戻す", zones=(Zone.LGWAN, Zone.MYNUMBER, Zone.INTERNET), example="""
    - action: workbook.write_column
      with:
        path: ${params.workbook}
        key_column: 受付番号
        values: ${entered}
        columns: [転記結果, 確認理由]
    """)
def write_column(ctx: RunContext, *, path: str, key_column: str, values: Any, columns: list[str] | None = None,
                 sheet: str | int = 0, rename: dict[str, str] | None = None, copy_to_run: bool = True) -> Path:
    """担当者のExcelブックに、キー（受付番号など）ごとの結果の列を書き戻します。

    列は見出しで探し、無ければ最後の見出しの右に同じ書式で追加します。フォント・列幅・他のシートは
    そのままです。保存は一時ファイル経由なので、途中で止まってもブックは壊れません。
    結果のキーがブックに無いとき（行が消された等）は止めて、そのキーを示します。

    引数:
      path: 書き戻すブック（入力フォルダからの相対パス）。
      key_column: 行を見分ける列（例: 受付番号）。
      values: 結果の表（key_column と結果の列を持つ）か {キー: 値}。
      columns: 書く列（省略すると key_column 以外のすべて）。
      sheet: シート名か番号（0 が先頭）。
      rename: ブックの見出しと標準の列名の対応（読み込み時の rename と同じもの。例: {申請番号: 受付番号}）。
      copy_to_run: 書き戻したブックの控えをこの実行の成果物フォルダにも保存します。

    戻り値: 書き戻したブックのパス。
    """
    p = ctx.input_path(path)
    if not p.is_file():
        raise BusinessError(f"ブックが見つかりません: {Path(path).name}", hint="入力フォルダとファイル名を確認してください。")
    mapping = _as_mapping(values, key_column, columns)
    if not mapping:
        raise BusinessError("書き戻す結果が1件もありません。", where=p.name, hint="前のステップの結果を確認してください。")
    written, missing = write_columns(p, key_column, mapping, sheet, rename)
    if missing:
        raise BusinessError(f"{len(missing)} 件の結果をブックに書けませんでした（{key_column}: {'、'.join(missing[:5])}）。",
                            where=p.name, hint="ブックから行が消されていないか確認してください。書けた分は保存済みです。")
    if copy_to_run:
        shutil.copyfile(p, ctx.artifact_path(p.name))
    ctx.log.info("結果の書き戻し: %s（%d 行）", p.name, written)
    return p

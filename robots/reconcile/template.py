"""The default report template for 調定・収納照合 (a municipality may use its own instead).

Sheets: 集計 (区分 totals, then the sections 照合の確認 / 口座振替の結果 / 収納ファイル, each found by
its header label in column A, so a town may move them), 要対応, 再振替候補 and 明細 (copied once
per 区分). Detail sheets have a frozen header, print titles and A4 landscape fit-to-width.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kyodo.robots.workbook.template import ERA_DATE, YEN, save_atomic

DETAIL_COLUMNS = ["宛名番号", "氏名・名称", "法人番号", "年度", "税目", "期別", "納期限", "調定額", "収納額", "差額", "収納件数", "区分",
                  "確認事項"]
FOLLOW_COLUMNS = ["対応状況", "メモ"]
SUMMARY_COLUMNS = ["区分", "件数", "調定額", "収納額", "差額"]
CHECK_COLUMNS = ["項目", "結果", "内容"]
DEBIT_COLUMNS = ["振替結果", "件数", "金額"]
FILE_COLUMNS = ["ファイル", "種類", "日付", "件数", "入金件数", "入金額", "不能・取消件数", "不能・取消金額", "トレーラー"]
REDEBIT_COLUMNS = ["宛名番号", "年度", "税目", "期別", "名義", "金額", "結果", "振替結果コード", "引落日", "区分", "再振替", "ファイル", "行"]
# Section header labels in column A of 集計 (write_report looks them up).
SECTION_CHECKS, SECTION_DEBITS, SECTION_FILES = "項目", "振替結果", "ファイル"
MONEY = ("調定額", "収納額", "差額", "金額", "入金額", "不能・取消金額")
__all__ = ["CHECK_COLUMNS", "DEBIT_COLUMNS", "DETAIL_COLUMNS", "ERA_DATE", "FILE_COLUMNS", "FOLLOW_COLUMNS", "REDEBIT_COLUMNS",
           "SUMMARY_COLUMNS", "YEN", "build_default_template"]


def _styles() -> dict[str, Any]:
    thin = Side(style="thin", color="808080")
    return {"font": Font(name="游ゴシック", size=10), "bold": Font(name="游ゴシック", size=10, bold=True),
            "border": Border(top=thin, bottom=thin, left=thin, right=thin), "fill": PatternFill("solid", fgColor="FCE4D6")}


def _table(ws: Any, row: int, columns: list[str], st: dict[str, Any]) -> None:
    """A header row at ``row`` and one styled data row under it (the anchor fill_table copies)."""
    for j, name in enumerate(columns, 1):
        c = ws.cell(row=row, column=j, value=name)
        c.font, c.fill, c.border, c.alignment = st["bold"], st["fill"], st["border"], Alignment(horizontal="center")
        d = ws.cell(row=row + 1, column=j)
        d.font, d.border = st["font"], st["border"]
        if name in MONEY:
            d.number_format = YEN
        elif name in ("件数", "入金件数", "不能・取消件数", "収納件数"):
            d.number_format = "#,##0"
        elif name in ("納期限", "引落日"):
            d.number_format = ERA_DATE
        elif name in ("確認事項", "内容", "メモ"):
            d.alignment = Alignment(wrap_text=True, vertical="top")


def _print_setup(ws: Any, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _summary_sheet(ws: Any, st: dict[str, Any]) -> None:
    ws.title = "集計"
    ws["A1"] = "税務 調定・収納照合 結果"
    ws["A1"].font = Font(name="游ゴシック", size=14, bold=True)
    ws.merge_cells("A1:E1")
    ws["A3"], ws["A4"] = "自治体", "作成日"
    ws["B4"].number_format = ERA_DATE
    _table(ws, 5, SUMMARY_COLUMNS, st)
    for row, title, cols in ((14, "■ 照合の確認", CHECK_COLUMNS), (24, "■ 口座振替の結果（振替結果コード別）", DEBIT_COLUMNS),
                             (36, "■ 収納ファイル（全銀）", FILE_COLUMNS)):
        ws.cell(row=row, column=1, value=title).font = st["bold"]
        _table(ws, row + 1, cols, st)
    yellow, red = PatternFill("solid", fgColor="FFEB9C"), PatternFill("solid", fgColor="FFC7CE")
    ws.conditional_formatting.add("A16:C23", FormulaRule(formula=['$B16="要確認"'], fill=yellow))
    ws.conditional_formatting.add("A16:C23", FormulaRule(formula=['$B16="NG"'], fill=red))
    for col, w in zip("ABCDEFGHI", (22, 10, 16, 16, 14, 14, 14, 16, 10)):
        ws.column_dimensions[col].width = w
    _print_setup(ws, None)


def _list_sheet(wb: Any, title: str, heading: str, note: str, cols: list[str], widths: list[int], st: dict[str, Any]) -> Any:
    sh = wb.create_sheet(title)
    sh["A1"] = heading
    sh["A1"].font = Font(name="游ゴシック", size=12, bold=True)
    sh.merge_cells("A1:F1")
    sh["A2"] = note
    _table(sh, 4, cols, st)
    sh.freeze_panes = "C5"
    sh.auto_filter.ref = f"A4:{get_column_letter(len(cols))}4"
    for j, w in enumerate(widths, 1):
        sh.column_dimensions[get_column_letter(j)].width = w
    _print_setup(sh, "4:4")
    return sh


def build_default_template(path: Path) -> Path:
    """Write the standard template: 集計, 要対応 (validation, highlighting), 再振替候補 and 明細.

    Nothing calls it at run time: it is how the committed ``scenarios/templates/tax_reconciliation.xlsx``
    was made and is the only way to regenerate it after a layout change (write to that path, then commit).
    """
    st = _styles()
    wb = Workbook()
    _summary_sheet(wb.active, st)
    detail_w = [12, 22, 15, 6, 6, 6, 16, 12, 12, 12, 8, 10, 36]
    todo = _list_sheet(wb, "要対応", "要対応一覧（未納・一部納付・過誤納・重複納付・収納のみ・確認事項のある行）",
                       "※ 担当者は「対応状況」を選んでください。", DETAIL_COLUMNS + FOLLOW_COLUMNS, detail_w + [10, 24], st)
    dv = DataValidation(type="list", formula1='"未対応,対応中,完了"', allow_blank=True,
                        promptTitle="対応状況", prompt="未対応・対応中・完了 から選択")
    todo.add_data_validation(dv)
    dv.add("N5:N20000")
    todo.conditional_formatting.add("A5:M20000", FormulaRule(formula=['$L5="未納"'], fill=PatternFill("solid", fgColor="FFC7CE")))
    redo = _list_sheet(wb, "再振替候補", "口座振替の振替不能（再振替候補）",
                       "※ 資金不足などで引き落とせなかったもの。「再振替」列が 再振替候補 の行は次回の振替に回せます。",
                       REDEBIT_COLUMNS + FOLLOW_COLUMNS, [12, 6, 6, 6, 20, 12, 14, 8, 16, 10, 30, 18, 6, 10, 24], st)
    dv2 = DataValidation(type="list", formula1='"未対応,再振替依頼済,納付書送付済,完了"', allow_blank=True)
    redo.add_data_validation(dv2)
    dv2.add("N5:N20000")
    _list_sheet(wb, "明細", "明細", "", DETAIL_COLUMNS, detail_w, st)
    return save_atomic(wb, path)

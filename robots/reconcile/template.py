"""The default report template for 調定・収納照合 (a municipality may use its own instead)."""

from __future__ import annotations

from pathlib import Path

from robots.workbook.template import ERA_DATE, YEN

DETAIL_COLUMNS = ["宛名番号", "氏名", "年度", "税目", "期別", "納期限", "調定額", "収納額", "差額", "収納件数", "区分"]
SUMMARY_COLUMNS = ["区分", "件数", "調定額", "収納額", "差額"]
__all__ = ["DETAIL_COLUMNS", "ERA_DATE", "SUMMARY_COLUMNS", "YEN", "build_default_template"]


def build_default_template(path: Path) -> Path:
    """Write the standard template: 集計, 要対応 (with validation and highlighting) and 明細.

    Nothing calls it at run time: it is how the committed ``scenarios/templates/tax_reconciliation.xlsx``
    was made and is the only way to regenerate it after a layout change (write to that path, then commit).
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from robots.workbook.template import save_atomic

    font, bold = Font(name="游ゴシック", size=10), Font(name="游ゴシック", size=10, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    head_fill = PatternFill("solid", fgColor="FCE4D6")
    wb = Workbook()
    ws = wb.active
    ws.title = "集計"
    ws["A1"] = "税務 調定・収納照合 結果"
    ws["A1"].font = Font(name="游ゴシック", size=14, bold=True)
    ws.merge_cells("A1:E1")
    ws["A3"], ws["A4"] = "自治体", "作成日"
    ws["B4"].number_format = ERA_DATE
    for j, name in enumerate(SUMMARY_COLUMNS, 1):
        c = ws.cell(row=5, column=j, value=name)
        c.font, c.fill, c.border, c.alignment = bold, head_fill, border, Alignment(horizontal="center")
        d = ws.cell(row=6, column=j)
        d.font, d.border = font, border
        d.number_format = YEN if name in ("調定額", "収納額", "差額") else ("#,##0" if name == "件数" else "General")
    for col, w in zip("ABCDE", (14, 10, 16, 16, 14)):
        ws.column_dimensions[col].width = w

    for title in ("要対応", "明細"):
        sh = wb.create_sheet(title)
        sh["A1"] = "要対応一覧（未納・一部納付・過誤納・重複納付・収納のみ）" if title == "要対応" else "明細"
        sh["A1"].font = Font(name="游ゴシック", size=12, bold=True)
        sh.merge_cells("A1:F1")
        sh["A2"] = "※ 担当者は「対応状況」を選んでください。" if title == "要対応" else ""
        cols = DETAIL_COLUMNS + (["対応状況", "メモ"] if title == "要対応" else [])
        for j, name in enumerate(cols, 1):
            c = sh.cell(row=4, column=j, value=name)
            c.font, c.fill, c.border, c.alignment = bold, head_fill, border, Alignment(horizontal="center")
            d = sh.cell(row=5, column=j)
            d.font, d.border = font, border
            if name in ("調定額", "収納額", "差額"):
                d.number_format = YEN
            elif name == "納期限":
                d.number_format = ERA_DATE
        sh.freeze_panes = "A5"
        for j, w in enumerate([12, 14, 6, 6, 6, 18, 12, 12, 12, 8, 10, 10, 20], 1):
            sh.column_dimensions[chr(64 + j)].width = w
        if title == "要対応":
            dv = DataValidation(type="list", formula1='"未対応,対応中,完了"', allow_blank=True,
                                promptTitle="対応状況", prompt="未対応・対応中・完了 から選択")
            sh.add_data_validation(dv)
            dv.add("L5:L20000")
            red = PatternFill("solid", fgColor="FFC7CE")
            sh.conditional_formatting.add("A5:K20000", FormulaRule(formula=['$K5="未納"'], fill=red))
    return save_atomic(wb, path)

"""Writing a reconciliation into the municipality's template (see :mod:`kyodo.robots.reconcile.template`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots.reconcile.match import CLASSES, FOLLOW_UP, summarize
from kyodo.robots.reconcile.template import (
    CHECK_COLUMNS,
    DEBIT_COLUMNS,
    DETAIL_COLUMNS,
    FILE_COLUMNS,
    REDEBIT_COLUMNS,
    SECTION_CHECKS,
    SECTION_DEBITS,
    SECTION_FILES,
    SUMMARY_COLUMNS,
)
from kyodo.robots.workbook.template import copy_sheet, fill_table, find_label, open_template, save_atomic, set_cells

SHEET_STAGES = 4  # 集計, 要対応, 明細, 保存: the stages write_workbook announces
NAME_SOURCES = ("氏名", "法人名", "名称", "名義")  # the first one present names the row (名義: the bank's, for 収納のみ)


def detail_frame(table: Any, assessed_column: str, paid_column: str) -> Any:
    """The result with the template's detail columns (氏名・名称 from 氏名 / 法人名 / the bank's 名義)."""
    d = table.rename(columns={assessed_column: "調定額", paid_column: "収納額"})
    name = pd.Series(None, index=d.index, dtype=object)
    for col in NAME_SOURCES:
        if col in d.columns:
            name = name.where(name.notna() & (name.astype(str) != ""), d[col])
    d["氏名・名称"] = name
    for col in DETAIL_COLUMNS:
        if col not in d.columns:
            d[col] = "" if col == "確認事項" else None
    d["確認事項"] = d["確認事項"].fillna("")
    d["区分"] = d["区分"].astype(str)
    return d


def _table_at(ws: Any, label: str, columns: list[str], frame: Any) -> None:
    """Fill the section whose header row has ``label`` in column A; a template without it is left as it is."""
    row = find_label(ws, label)
    if row is not None and len(frame):
        fill_table(ws, (row + 1, 1), columns, frame)


def _summary(wb: Any, outcome: Any, detail: Any, title: str) -> None:
    ws = wb["集計"]
    set_cells(ws, {"B3": title, "B4": date.today()})
    fill_table(ws, "A6", SUMMARY_COLUMNS, summarize(detail))
    if outcome is None:
        return
    checks = pd.DataFrame([{"項目": c.item, "結果": str(c.verdict), "内容": c.detail} for c in outcome.checks],
                          columns=CHECK_COLUMNS)
    _table_at(ws, SECTION_CHECKS, CHECK_COLUMNS, checks)
    _table_at(ws, SECTION_DEBITS, DEBIT_COLUMNS, outcome.debit_summary)
    _table_at(ws, SECTION_FILES, FILE_COLUMNS, pd.DataFrame(outcome.files, columns=FILE_COLUMNS))


def write_workbook(result: Any, template: Path, template_name: str, dest: Path, title: str, *,
                   assessed_column: str = "調定額", paid_column: str = "収納額",
                   stage: Callable[[str], None] = lambda name: None) -> Path:
    """集計, 要対応, 再振替候補 and one 明細 sheet per 区分, written atomically to ``dest``.

    ``stage(name)`` announces each of the ``SHEET_STAGES`` stages (progress for people watching).
    """
    outcome = result if hasattr(result, "table") else None
    table = outcome.table if outcome is not None else result
    wb = open_template(template)
    missing = [s for s in ("集計", "要対応", "明細") if s not in wb.sheetnames]
    if missing:
        raise BusinessError(f"様式にシート「{'」「'.join(missing)}」がありません。", where=template_name,
                            hint="標準様式 templates/tax_reconciliation.xlsx をもとに作ってください。")
    stage("集計シート")
    detail = detail_frame(table, assessed_column, paid_column)
    _summary(wb, outcome, detail, title)
    stage("要対応シート")
    follow = detail["区分"].isin(FOLLOW_UP) | (detail["確認事項"].astype(str) != "")
    fill_table(wb["要対応"], "A5", DETAIL_COLUMNS, detail[follow])
    if outcome is not None and "再振替候補" in wb.sheetnames:
        f = outcome.failed_debits.rename(columns={"収納日": "引落日"})
        for col in REDEBIT_COLUMNS:
            if col not in f.columns:
                f[col] = None
        fill_table(wb["再振替候補"], "A5", REDEBIT_COLUMNS, f)
    stage("明細シート")
    base = wb["明細"]
    for cls in CLASSES:
        sh = copy_sheet(wb, base, cls)
        sh["A1"] = f"明細: {cls}"
        fill_table(sh, "A5", DETAIL_COLUMNS, detail[detail["区分"] == cls])
    wb.remove(base)
    stage("保存")
    return save_atomic(wb, dest)

"""Run history for people: one row per run with Japanese names, as CSV (Excel-friendly) or a workbook."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.jst import jst
from kyodo.core.privacy import mask_text
from kyodo.core.status import STATUS_JA, TRIGGER_JA
from kyodo.robots.excel._cells import is_formula_like
from kyodo.robots.excel.report import Sheet, write_workbook
from kyodo.runner.scenario.titles import scenario_title

COLUMNS = ["開始（日本時間）", "終了（日本時間）", "自治体", "自治体コード", "シナリオ", "起動", "状態", "処理件数", "エラー件数",
           "対象日", "内容", "実行ID"]


def history_rows(runs: Iterable[Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows as staff read them: JST times, Japanese names and labels, masked messages."""
    runs = list(runs)
    titles = {name: scenario_title(name) for name in {r.scenario for r in runs}}
    return [{
        "開始（日本時間）": jst(r.started_at or r.created_at, empty=""),
        "終了（日本時間）": jst(r.finished_at, empty=""),
        "自治体": names.get(r.municipality, r.municipality),
        "自治体コード": r.municipality,
        "シナリオ": titles[r.scenario],
        "起動": TRIGGER_JA.get(r.trigger, r.trigger),
        "状態": STATUS_JA.get(r.status, r.status),
        "処理件数": r.items_ok,
        "エラー件数": r.items_failed,
        "対象日": r.logical_date.isoformat() if r.logical_date else "",
        "内容": mask_text(r.error_message or "").replace("\n", " "),
        "実行ID": r.id,
    } for r in runs]


def _cell_text(value: Any) -> Any:
    """CSV has no cell types: text a spreadsheet would run as a formula gets Excel's quote prefix."""
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value


def history_csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM so that Excel opens the Japanese text correctly on a double-click."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell_text(v) for k, v in row.items()})
    return buf.getvalue().encode("utf-8-sig")


def history_xlsx(rows: list[dict[str, Any]], notes: list[str]) -> bytes:
    """A formatted workbook (header, filters, frozen panes) written by the Excel robot's safe writer."""
    with tempfile.TemporaryDirectory(prefix="kyodo-history-") as tmp:
        path = Path(tmp) / "history.xlsx"
        write_workbook(path, [Sheet("実行履歴", pd.DataFrame(rows, columns=COLUMNS), notes)])
        return path.read_bytes()

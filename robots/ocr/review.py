"""The review workbook: data sheets with the doubtful cells marked, the review list, and its way back.

A clerk checks each doubtful field against the crop of the original on 要確認（項目） and writes
the right value in 正しい値. :func:`apply_review` then puts those corrections into the data
sheets — the cell itself, found by file and column (so a sorted sheet still works) — checks
each one like a read value (a date must be a date), and writes the workbook atomically: either
every correction goes in, or none does and the clerk is told which cells to fix.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from PIL import Image

from kyodo.core.errors import BusinessError
from kyodo.robots.excel import atomic_path
from kyodo.robots.excel._cells import append_row, write_cell
from kyodo.robots.excel._xlsxcheck import check_workbook_file
from kyodo.robots.excel.report import FONT_NAME, sheet_name
from kyodo.robots.ocr.fields import validate
from kyodo.robots.ocr.reader import columns, page_row
from kyodo.robots.ocr.templates import FormTemplate

REVIEW_SHEET, FILES_SHEET = "要確認（項目）", "要確認（ファイル）"
REVIEW_HEADER = ["ファイル", "様式", "項目", "種類", "読み取り値", "確信度", "理由", "画像（原本の該当部分）",
                 "正しい値（記入）", "反映", "シート"]
SUSPECT, CORRECTED = "FFF2CC", "E2EFDA"  # yellow: to check; green: corrected by a person
ORIGINAL = "（原文）"
DATE_FORMAT = "yyyy-mm-dd"
_TICKED = {"✓", "レ", "○", "〇", "はい", "有", "あり", "1", "true", "TRUE", "済"}
_UNTICKED = {"", "×", "いいえ", "無", "なし", "0", "false", "FALSE"}


def write_review_workbook(batch: Any, templates: list[FormTemplate], dest: Path) -> Path:
    """Rows per form (doubtful cells yellow, with the reason as a comment), the review list with each
    doubtful field's larger crop, and the files that could not be read."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(name=FONT_NAME, bold=True)
    sheets: dict[str, str] = {}
    for t in templates:
        ws = wb.create_sheet(sheet_name(t.title, used))
        sheets[t.title] = ws.title
        _data_sheet(ws, t, batch, columns(t), bold)
    rv = wb.create_sheet(REVIEW_SHEET)
    rv.append(REVIEW_HEADER)
    for c in rv[1]:
        c.font = bold
    for col, width in zip("ABCDEFGHIJK", (18, 22, 14, 10, 30, 8, 34, 100, 26, 18, 4)):
        rv.column_dimensions[col].width = width
    rv.column_dimensions["K"].hidden = True  # where the row's data sheet is, for apply_review
    kinds = {(t.title, f.name): f.type for t in templates for f in t.fields}
    for i, item in enumerate(batch.review, start=2):
        append_row(rv, [item.file, item.form, item.field, kinds.get((item.form, item.field), ""), _cell(item.value),
                        item.confidence, item.reason, "", "", "", sheets.get(item.form, "")], dest.name)
        _picture(rv, item.image, f"H{i}")
    rv.freeze_panes = "A2"
    bad = wb.create_sheet(FILES_SHEET)
    bad.append(["ファイル", "理由"])
    for c in bad[1]:
        c.font = bold
    for r in batch.rejected:
        append_row(bad, [r["ファイル"], r["理由"]], dest.name)  # read text never becomes a live formula
    bad.column_dimensions["A"].width, bad.column_dimensions["B"].width = 28, 90
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest


def _data_sheet(ws: Any, t: FormTemplate, batch: Any, header: list[str], bold: Any) -> None:
    ws.append(header)
    for c in ws[1]:
        c.font = bold
    fill = PatternFill("solid", fgColor=SUSPECT)
    for page in (p for p in batch.pages if p.form == t.name):
        row = page_row(page)
        append_row(ws, [_cell(row.get(h)) for h in header])
        cells = {h: c for h, c in zip(header, ws[ws.max_row])}
        for r in page.fields:
            if isinstance(r.value, date):
                cells[r.name].number_format = DATE_FORMAT
            if r.needs_review:
                for name in (r.name, r.name + ORIGINAL):
                    if name in cells:
                        cells[name].fill = fill
                cells[r.name].comment = Comment(f"要確認: {r.problem or '確信度が低い'}（確信度 {r.confidence:.2f}）", "kyodo")
    for i in range(len(header)):
        ws.column_dimensions[_col(i)].width = 16 if i == 0 else 22
    ws.freeze_panes = "B2"


def _picture(ws: Any, image: Any, anchor: str) -> None:
    """The crop, large enough to read a handwritten kanji (up to 720 x 160 px)."""
    im = Image.fromarray(image)
    im.thumbnail((720, 160))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    buf.seek(0)
    ws.add_image(XLImage(buf), anchor)
    ws.row_dimensions[int(anchor[1:])].height = max(20, im.size[1] * 0.75 + 4)


def _cell(v: Any) -> Any:
    """Checkboxes as ✓ / blank; everything else as read."""
    if v is True:
        return "✓"
    if v is False or v is None:
        return ""
    return v


def _col(i: int) -> str:
    return get_column_letter(i + 1)


@dataclass
class Applied:
    """What :func:`apply_review` did: corrections written, rows still waiting, where the data went."""

    applied: int = 0
    pending: int = 0
    already: int = 0
    data: Path | None = None
    fields: list[str] = field(default_factory=list)  # "file / field" of each correction (for the caller, not for logs)


def apply_review(review: Path, data: Path | None = None, *, now: datetime | None = None) -> Applied:
    """Write the 正しい値 of the review sheet into the data sheets (of ``data``, default the same workbook).

    Every correction is checked first; one bad value stops them all, with the cells to fix.
    The review rows are stamped 反映済み so running it twice changes nothing.
    """
    data = data or review
    rwb = _open(review, load_workbook)
    if REVIEW_SHEET not in rwb.sheetnames:
        raise BusinessError(f"「{REVIEW_SHEET}」シートがありません。", where=review.name,
                            hint="ocr.write_workbook が書き出した読み取り結果のExcelを指定してください。")
    dwb = rwb if data == review else _open(data, load_workbook)
    rv = rwb[REVIEW_SHEET]
    header = [c.value for c in rv[1]]
    missing = [h for h in ("ファイル", "項目", "種類", "正しい値（記入）", "反映", "シート") if h not in header]
    if missing:
        raise BusinessError(f"「{REVIEW_SHEET}」シートに列「{'」「'.join(missing)}」がありません。", where=review.name,
                            hint="列を消したり名前を変えたりしていないか確認してください。")
    col = {h: header.index(h) for h in header if h}
    out, problems, plans = Applied(data=data), [], []
    for row in rv.iter_rows(min_row=2):
        given, done = row[col["正しい値（記入）"]].value, row[col["反映"]].value
        if done:
            out.already += 1
            continue
        if given is None or str(given).strip() == "":
            out.pending += 1
            continue
        where = f"{REVIEW_SHEET}!{row[col['正しい値（記入）']].coordinate}"
        try:
            value = _checked(str(row[col["種類"]].value or "text"), given)
            target = _target(dwb, str(row[col["シート"]].value or ""), row[col["ファイル"]].value, str(row[col["項目"]].value))
        except BusinessError as exc:
            problems.append(f"{where}: {exc.message}")
            continue
        plans.append((row, target, value, given))
    if problems:
        raise BusinessError("正しい値に直すべき所があります（何も反映していません）: " + " / ".join(problems),
                            where=review.name, hint="表示されたセルを直して、もう一度実行してください。")
    stamp = f"反映済み {(now or datetime.now()):%Y-%m-%d %H:%M}"
    for row, (ws, r, c, name), value, given in plans:
        _write(ws, r, c, name, value, given)
        row[col["反映"]].value = stamp
        out.applied += 1
        out.fields.append(f"{row[col['ファイル']].value} / {name}")
    if out.applied:
        with atomic_path(data) as tmp:
            dwb.save(tmp)
        if data != review:
            with atomic_path(review) as tmp:
                rwb.save(tmp)
    return out


def _open(path: Path, load: Any) -> Any:
    if not path.is_file():
        raise BusinessError(f"ファイル「{path.name}」がありません。", where=str(path))
    check_workbook_file(path)  # a deflate bomb is refused before openpyxl inflates it
    try:
        return load(path)
    except Exception as exc:  # openpyxl raises zipfile / KeyError / InvalidFileException for non-workbooks
        raise BusinessError(f"Excelファイルとして開けません（{type(exc).__name__}）。", where=path.name,
                            hint="Excel（.xlsx）で保存し直してください。") from None


def _checked(kind: str, given: Any) -> Any:
    """The clerk's value, checked and normalised like a read one (a date as a date)."""
    if isinstance(given, datetime):
        given = given.date()
    if isinstance(given, date):
        if kind == "日付":
            return given
        given = given.isoformat()
    text = str(given).strip()
    if kind == "チェックボックス":
        if text in _TICKED or text in _UNTICKED:
            return text in _TICKED
        raise BusinessError(f"チェックの有無は ✓ か空欄で書いてください（「{text}」）")
    if kind == "チェック群":
        return text
    value, ok, problem = validate(kind if kind else "text", text)
    if not ok:
        raise BusinessError(f"「{text}」: {problem}")
    return value


def _target(wb: Any, sheet: str, file: Any, name: str) -> tuple[Any, int, int, str]:
    """The data sheet, row (by file) and column (by field name) of a review row."""
    if sheet not in wb.sheetnames:
        raise BusinessError(f"データのシート「{sheet}」がありません")
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    if name not in header:
        raise BusinessError(f"シート「{sheet}」に列「{name}」がありません")
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == file:
            return ws, r, header.index(name) + 1, name
    raise BusinessError(f"シート「{sheet}」にファイル「{file}」の行がありません")


def _write(ws: Any, r: int, c: int, name: str, value: Any, given: Any) -> None:
    """The corrected cell (green, noted), its 原文 beside it, and the row's 要確認項目 updated."""
    header = [x.value for x in ws[1]]
    cell = ws.cell(r, c)
    write_cell(cell, _cell(value), ws.title)  # a clerk's correction is text, never a live formula
    cell.number_format = DATE_FORMAT if isinstance(value, date) else "General"
    cell.fill = PatternFill("solid", fgColor=CORRECTED)
    cell.comment = Comment("確認済み: 担当者が原本を見て修正しました", "kyodo")
    if name + ORIGINAL in header:
        orig = ws.cell(r, header.index(name + ORIGINAL) + 1)
        write_cell(orig, given.isoformat() if isinstance(given, (date, datetime)) else str(given).strip(), ws.title)
        orig.fill = PatternFill("solid", fgColor=CORRECTED)
    if "要確認項目" in header:
        flags = ws.cell(r, header.index("要確認項目") + 1)
        left = [n for n in str(flags.value or "").split("、") if n and n != name]
        flags.value = "、".join(left) or None

"""Reading a folder of scanned forms: align, recognise the form, read fields, sort out doubts.

Every file ends up somewhere: its rows in the form's table, uncertain fields in the review list
(with the crop image), and files that cannot be read at all (blank, wrong form, corrupt) in the
要確認 list with the reason — the rest of the batch is always processed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robots.errors import KyodoError
from robots.ocr.align import align, is_blank, load_pages
from robots.ocr.fields import FieldResult, crop, read_field
from robots.ocr.templates import FormTemplate

SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}


@dataclass
class ReviewItem:
    file: str
    form: str
    field: str
    value: Any
    confidence: float
    reason: str
    image: Any  # numpy crop


@dataclass
class PageResult:
    file: str
    form: str
    fields: list[FieldResult]
    flipped: bool = False


@dataclass
class Batch:
    pages: list[PageResult] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def rows(self, form: str) -> list[dict[str, Any]]:
        out = []
        for p in self.pages:
            if p.form == form:
                row: dict[str, Any] = {"ファイル": p.file}
                row.update({f.name: f.value for f in p.fields})
                row["要確認項目"] = "、".join(f.name for f in p.fields if f.needs_review)
                out.append(row)
        return out


def identify(page: Any, templates: list[FormTemplate]) -> tuple[FormTemplate | None, float, str]:
    """The template whose printed title best matches the page's title line (fuzzy: OCR misreads kanji)."""
    import pytesseract

    from robots.ocr.sample_forms import H, W

    title = page[int(0.055 * H): int(0.105 * H), int(0.1 * W): int(0.9 * W)]
    text = pytesseract.image_to_string(title, lang="jpn", config="--psm 7 --oem 1").replace(" ", "").strip()
    best, score = None, 0.0
    for t in templates:
        s = difflib.SequenceMatcher(None, text, t.anchor).ratio()
        if s > score:
            best, score = t, s
    return (best if score >= 0.5 else None), score, text


def read_batch(files: list[Path], templates: list[FormTemplate], log: Any = None) -> Batch:
    batch = Batch()
    for path in files:
        try:
            pages = load_pages(path)
        except KyodoError as exc:
            batch.rejected.append({"ファイル": path.name, "理由": exc.message})
            continue
        for n, gray in enumerate(pages, 1):
            label = path.name if len(pages) == 1 else f"{path.name} p{n}"
            if is_blank(gray):
                batch.rejected.append({"ファイル": label, "理由": "白紙のページです"})
                continue
            try:
                page, flipped = align(gray)
            except KyodoError as exc:
                batch.rejected.append({"ファイル": label, "理由": exc.message})
                continue
            t, score, seen = identify(page, templates)
            if t is None:
                batch.rejected.append({"ファイル": label, "理由": f"様式を判別できません（表題の読み取り:「{seen[:30]}」）。別の様式か、対象外の書類です"})
                continue
            results = [read_field(page, f) for f in t.fields]
            batch.pages.append(PageResult(label, t.name, results, flipped))
            for f, r in zip(t.fields, results):
                if r.needs_review:
                    batch.review.append(ReviewItem(label, t.title, r.name, r.value if r.value is not None else r.raw,
                                                   round(r.confidence, 2), r.problem or "確信度が低い", crop(page, f, inset=0)))
            if log:
                log.info("OCR: %s → %s（要確認 %d 項目）", label, t.title, sum(r.needs_review for r in results))
    return batch


def write_review_workbook(batch: Batch, templates: list[FormTemplate], dest: Path) -> Path:
    """Rows per form, the review sheet with each doubtful field's image, and the 要確認 files."""
    import io

    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.styles import Font, PatternFill
    from PIL import Image

    from robots.excel import atomic_path
    from robots.excel.report import FONT_NAME, sheet_name

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold, yellow = Font(name=FONT_NAME, bold=True), PatternFill("solid", fgColor="FFF2CC")
    for t in templates:
        rows = batch.rows(t.name)
        ws = wb.create_sheet(sheet_name(t.title, used))
        header = ["ファイル", *[f.name for f in t.fields], "要確認項目"]
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for r in rows:
            ws.append([("✓" if r.get(h) is True else "" if r.get(h) is False else r.get(h)) for h in header])
            if r["要確認項目"]:
                for c in ws[ws.max_row]:
                    c.fill = yellow
        for col, w in zip("ABCDEFGHIJKLM", [16] + [22] * 12):
            ws.column_dimensions[col].width = w
    rv = wb.create_sheet("要確認（項目）")
    rv.append(["ファイル", "様式", "項目", "読み取り値", "確信度", "理由", "画像（原本の該当部分）", "正しい値（記入）"])
    for c in rv[1]:
        c.font = bold
    rv.column_dimensions["G"].width = 70
    rv.column_dimensions["D"].width = 30
    rv.column_dimensions["F"].width = 30
    for i, item in enumerate(batch.review, start=2):
        rv.append([item.file, item.form, item.field, str(item.value), item.confidence, item.reason, "", ""])
        im = Image.fromarray(item.image)
        im.thumbnail((480, 60))
        buf = io.BytesIO()
        im.save(buf, "PNG")
        buf.seek(0)
        xl = XLImage(buf)
        rv.add_image(xl, f"G{i}")
        rv.row_dimensions[i].height = max(20, im.size[1] * 0.75 + 4)
    bad = wb.create_sheet("要確認（ファイル）")
    bad.append(["ファイル", "理由"])
    for r in batch.rejected:
        bad.append([r["ファイル"], r["理由"]])
    bad.column_dimensions["A"].width, bad.column_dimensions["B"].width = 24, 80
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest

"""Reading a batch of scanned forms: align, recognise the form, read fields, sort out doubts.

Every file ends up somewhere: its row in the form's table, uncertain fields in the review list
(with the crop image), and files that cannot be read at all (blank, wrong form, corrupt, a broken
template) in the 要確認 list with the reason — the rest of the batch is always processed.
Pages are read two at a time: tesseract runs in its own process, so threads use both cores.
"""

from __future__ import annotations

import difflib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robots.errors import KyodoError
from robots.ocr.align import align, is_blank, load_pages
from robots.ocr.fields import FieldResult, crop, read_fields
from robots.ocr.templates import FormTemplate

SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
ANCHOR_MIN = 0.6  # fuzzy title match needed to accept a form (罹災 is read as 殿災: 0.9)


@dataclass
class ReviewItem:
    """A field a person must check, with the crop of the original beside the read value."""

    file: str
    form: str
    field: str
    value: Any
    confidence: float
    reason: str
    image: Any  # numpy crop of the aligned page


@dataclass
class PageResult:
    file: str
    form: str
    fields: list[FieldResult]
    flipped: bool = False


@dataclass
class Batch:
    """What a batch produced: pages read, fields to review, files that could not be read."""

    pages: list[PageResult] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def rows(self, form: str) -> list[dict[str, Any]]:
        """One row per page read as ``form``, in file order (see :func:`page_row`)."""
        return [page_row(p) for p in self.pages if p.form == form]


def columns(t: FormTemplate) -> list[str]:
    """The columns of a form's table: file, every field, then the doubtful fields' names."""
    return ["ファイル", *[f.name for f in t.fields], "要確認項目"]


def page_row(p: PageResult) -> dict[str, Any]:
    """A page as a row of :func:`columns`."""
    return {"ファイル": p.file, **{f.name: f.value for f in p.fields},
            "要確認項目": "、".join(f.name for f in p.fields if f.needs_review)}


def _title_text(page: Any, box: tuple[float, float, float, float]) -> str:
    from robots.ocr import _prep, _tess

    img = crop(page, box, inset=0)
    cleaned, ink = _prep.clean(img)
    if ink is None:
        return ""
    text, _ = _tess.read_one(_prep.fit_height(cleaned, ink, 40), "jpn", None)
    return re.sub(r"\s+", "", text)


def identify(page: Any, templates: list[FormTemplate]) -> tuple[FormTemplate | None, float, str]:
    """The template whose printed title best matches the page's title (fuzzy: OCR misreads kanji)."""
    seen: dict[tuple[float, ...], str] = {}
    best, score, best_text = None, 0.0, ""
    for t in templates:
        key = tuple(t.anchor_box)
        if key not in seen:
            seen[key] = _title_text(page, t.anchor_box)
        text = seen[key]
        s = difflib.SequenceMatcher(None, text, t.anchor).ratio()
        if s > score:
            best, score, best_text = t, s, text
    text = best_text or next(iter(seen.values()), "")
    return (best if score >= ANCHOR_MIN else None), score, text


@dataclass
class _FileOutcome:
    pages: list[PageResult] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)


def _read_file(path: Path, templates: list[FormTemplate], log: Any) -> _FileOutcome:
    out = _FileOutcome()
    try:
        pages = load_pages(path)
    except KyodoError as exc:
        out.rejected.append({"ファイル": path.name, "理由": exc.message})
        return out
    from robots.ocr._tess import TesseractMissing

    for n, gray in enumerate(pages, 1):
        label = path.name if len(pages) == 1 else f"{path.name} p{n}"
        try:
            _read_page(label, gray, templates, out, log)
        except TesseractMissing:
            raise  # no page can be read: stop the batch with the operator's message
        except KyodoError as exc:
            out.rejected.append({"ファイル": label, "理由": exc.message})
        except Exception as exc:  # one odd page must not stop the batch; the person sees it on 要確認
            if log:
                log.warning("OCR: %s の読み取りで予期しないエラー", label, exc_info=True)
            out.rejected.append({"ファイル": label, "理由": f"読み取り中に予期しないエラーが起きました（{type(exc).__name__}）。"
                                                       "スキャンし直すか、手入力してください"})
    return out


def _read_page(label: str, gray: Any, templates: list[FormTemplate], out: _FileOutcome, log: Any) -> None:
    if is_blank(gray):
        out.rejected.append({"ファイル": label, "理由": "白紙のページです（裏面や差し込み用紙の可能性があります）"})
        return
    page, flipped = align(gray, templates)
    t, score, seen = identify(page, templates)
    if t is None:
        shown = seen[:30] or "（読めません）"
        out.rejected.append({"ファイル": label, "理由": f"様式を判別できません（表題の読み取り:「{shown}」）。"
                                                   "別の様式か、対象外の書類です"})
        return
    results = read_fields(page, t.fields)
    out.pages.append(PageResult(label, t.name, results, flipped))
    for f, r in zip(t.fields, results):
        if r.needs_review:
            value = r.value if r.value is not None else r.raw
            out.review.append(ReviewItem(label, t.title, r.name, value, round(r.confidence, 2),
                                         r.problem or "確信度が低い", crop(page, f, inset=0)))
    if log:
        log.info("OCR: %s → %s（要確認 %d 項目）", label, t.title, sum(r.needs_review for r in results))


def read_batch(files: list[Path], templates: list[FormTemplate], log: Any = None) -> Batch:
    """Read ``files`` against ``templates``; one file's failure never stops the others.

    Two files at a time: tesseract is single-threaded here (OMP_THREAD_LIMIT=1), so two pages
    in parallel use both cores of a typical municipal server.
    """
    batch = Batch()
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for outcome in pool.map(lambda path: _read_file(path, templates, log), files):
            batch.pages += outcome.pages
            batch.review += outcome.review
            batch.rejected += outcome.rejected
    return batch


def write_review_workbook(batch: Batch, templates: list[FormTemplate], dest: Path) -> Path:
    """Rows per form, the review sheet with each doubtful field's image, and the 要確認 files."""
    import io

    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.styles import Alignment, Font, PatternFill
    from PIL import Image

    from robots.excel import atomic_path
    from robots.excel.report import FONT_NAME, sheet_name

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold, yellow = Font(name=FONT_NAME, bold=True), PatternFill("solid", fgColor="FFF2CC")
    for t in templates:
        ws = wb.create_sheet(sheet_name(t.title, used))
        header = columns(t)
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for r in batch.rows(t.name):
            ws.append([_cell(r.get(h)) for h in header])
            if r["要確認項目"]:
                for c in ws[ws.max_row]:
                    c.fill = yellow
        for i in range(len(header)):
            ws.column_dimensions[_col(i)].width = 16 if i == 0 else 22
        ws.freeze_panes = "B2"
    rv = wb.create_sheet("要確認（項目）")
    rv.append(["ファイル", "様式", "項目", "読み取り値", "確信度", "理由", "画像（原本の該当部分）", "正しい値（記入）"])
    for c in rv[1]:
        c.font = bold
    for col, width in zip("ABCDEFGH", (18, 22, 14, 30, 8, 34, 70, 24)):
        rv.column_dimensions[col].width = width
    for i, item in enumerate(batch.review, start=2):
        rv.append([item.file, item.form, item.field, _cell(item.value), item.confidence, item.reason, "", ""])
        for c in rv[i]:
            c.alignment = Alignment(vertical="center", wrap_text=True)
        im = Image.fromarray(item.image)
        im.thumbnail((480, 60))
        buf = io.BytesIO()
        im.save(buf, "PNG")
        buf.seek(0)
        rv.add_image(XLImage(buf), f"G{i}")
        rv.row_dimensions[i].height = max(20, im.size[1] * 0.75 + 4)
    rv.freeze_panes = "A2"
    bad = wb.create_sheet("要確認（ファイル）")
    bad.append(["ファイル", "理由"])
    for c in bad[1]:
        c.font = bold
    for r in batch.rejected:
        bad.append([r["ファイル"], r["理由"]])
    bad.column_dimensions["A"].width, bad.column_dimensions["B"].width = 28, 90
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest


def _cell(v: Any) -> Any:
    """Checkboxes as ✓ / blank; everything else as read."""
    if v is True:
        return "✓"
    if v is False or v is None:
        return ""
    return v


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)

"""Reading a batch of scanned forms: turn upright, map onto the printed page, recognise the form, read, sort out doubts.

``locate`` turns a sideways page upright (tesseract OSD), maps the scan through its registration
marks onto each template's printed page (templates whose marks sit in the same places share one
warp) and reads the title there; a page without an orientation mark whose title does not read is
tried turned by 180°. Only then are the fields read, in the template's own frame.

Every file ends up somewhere: its row in the form's table, uncertain fields in the review list
(with the crop image), and files that cannot be read at all (blank, wrong form, corrupt, a broken
template) in the 要確認 list with the reason — the rest of the batch is always processed.
Pages are read two at a time: tesseract runs in its own process, so threads use both cores.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.robots.ocr import _prep, _tess
from kyodo.robots.ocr._tess import TesseractMissing
from kyodo.robots.ocr.align import align_by_layout, fits_frame, is_blank, orientation_flipped, warp
from kyodo.robots.ocr.fields import FieldResult, crop, read_fields
from kyodo.robots.ocr.pages import find_marks, load_pages, upright
from kyodo.robots.ocr.templates import FormTemplate

SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
ANCHOR_MIN = 0.6  # fuzzy title match needed to accept a form (罹災 is read as 殿災: 0.9)
SURE = 0.85  # a title this close needs no second frame tried


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
    flipped: bool = False  # the page was turned (upside down or sideways) before reading
    turned: int = 0  # degrees it was turned clockwise: 0, 90, 180 or 270


@dataclass
class Batch:
    """What a batch produced: pages read, fields to review, files that could not be read."""

    pages: list[PageResult] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def rows(self, form: str) -> list[dict[str, Any]]:
        """One row per page read as ``form``, in file order (see :func:`page_row`)."""
        return [page_row(p) for p in self.pages if p.form == form]


ORIGINAL = "（原文）"  # suffix of the column that keeps a converted value as written (日付)


def columns(t: FormTemplate) -> list[str]:
    """The columns of a form's table: file, every field (a date also as written), the doubtful fields."""
    cols = ["ファイル"]
    for f in t.fields:
        cols += [f.name, f.name + ORIGINAL] if f.type == "日付" else [f.name]
    return [*cols, "要確認項目"]


def page_row(p: PageResult) -> dict[str, Any]:
    """A page as a row of :func:`columns`."""
    row: dict[str, Any] = {"ファイル": p.file}
    for f in p.fields:
        row[f.name] = f.value
        if f.type == "日付":
            row[f.name + ORIGINAL] = f.original
    row["要確認項目"] = "、".join(f.name for f in p.fields if f.needs_review)
    return row


def _title_text(page: Any, box: tuple[float, float, float, float]) -> str:
    img = crop(page, box, inset=0)
    cleaned, ink = _prep.clean(img)
    if ink is None:
        return ""
    text = _tess.read_one(_prep.fit_height(cleaned, ink, 40), "jpn", None).text
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
class Located:
    """A page turned upright and mapped onto the printed page of the form it was recognised as."""

    page: Any
    template: FormTemplate | None
    score: float
    title_read: str
    turned: int


def locate(gray: Any, templates: list[FormTemplate]) -> Located:
    """Turn the scan upright, map it through its marks onto each template's printed page, decide the form.

    Templates whose marks are printed in the same places share one warp. A page whose marks carry
    no orientation square and whose title does not read is tried once more turned by 180°.
    """
    gray, turned = upright(gray)
    try:
        corners, orient = find_marks(gray)
    except BusinessError:
        found = align_by_layout(gray, templates)
        if found is None:
            raise
        page, upside_down = found
        t, score, seen = identify(page, templates)
        return Located(page, t, score, seen, (turned + 180 * upside_down) % 360)
    frames: dict[tuple[tuple[float, float], ...], list[FormTemplate]] = {}
    for t in templates:
        frames.setdefault(tuple(t.mark_points()), []).append(t)
    flipped = orientation_flipped(corners, orient)
    best: Located | None = None
    for marks, group in frames.items():
        if not fits_frame(corners, marks):
            continue
        for flip in ([flipped] if flipped is not None else [False, True]):
            page = warp(gray, corners, marks, flip)
            t, score, seen = identify(page, group)
            cand = Located(page, t, score, seen, (turned + 180 * flip) % 360)
            if best is None or score > best.score:
                best = cand
            if t is not None:
                break
        if best is not None and best.score >= SURE:
            break  # the title matched well: other frames need not be tried
    if best is None:
        raise BusinessError(NO_SHEET, hint="テンプレートの marks（四隅のマークの位置）を確認してください。")
    return best


NO_SHEET = "四隅のマークは見つかりましたが、どのテンプレートのマークの配置とも合いません（別の様式の可能性があります）。"


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
    found = locate(gray, templates)
    page, t, seen = found.page, found.template, found.title_read
    if t is None:
        shown = seen[:30] or "（読めません）"
        out.rejected.append({"ファイル": label, "理由": f"様式を判別できません（表題の読み取り:「{shown}」）。"
                                                   "別の様式か、対象外の書類です"})
        return
    results = read_fields(page, t.fields, t.linked_text())
    out.pages.append(PageResult(label, t.name, results, found.turned != 0, found.turned))
    for f, r in zip(t.fields, results):
        if r.needs_review:
            value = r.value if r.value is not None else r.raw
            out.review.append(ReviewItem(label, t.title, r.name, value, round(r.confidence, 2),
                                         r.problem or "確信度が低い", crop(page, f, margin=0.6)))
    if log:
        log.info("OCR: %s → %s（要確認 %d 項目）", label, t.title, sum(r.needs_review for r in results))


def read_batch(files: list[Path], templates: list[FormTemplate], log: Any = None,
               tick: Callable[..., None] | None = None) -> Batch:
    """Read ``files`` against ``templates``; one file's failure never stops the others.

    Two files at a time: tesseract is single-threaded here (OMP_THREAD_LIMIT=1), so two pages
    in parallel use both cores of a typical municipal server. ``tick(item=name)`` is called per
    finished file, in order, from this thread (progress for people watching).
    """
    batch = Batch()
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for path, outcome in zip(files, pool.map(lambda path: _read_file(path, templates, log), files)):
            if tick is not None:
                tick(item=path.name)
            batch.pages += outcome.pages
            batch.review += outcome.review
            batch.rejected += outcome.rejected
    return batch


__all__ = ["Batch", "identify", "locate", "read_batch"]

"""A scan's pages: loaded (images and PDFs), turned upright, and their registration marks found.

Four solid squares mark the corners of a form, and (on kyodo's forms) a small square beside the
top-left one gives the orientation. :mod:`kyodo.robots.ocr.align` maps the page onto the template
from these marks; a template with a ``reference`` scan measures its marks here once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image, UnidentifiedImageError

from kyodo.core.errors import BusinessError
from kyodo.core.uploads import PDFIUM_LOCK, check_upload

NO_MARKS = "用紙の四隅の位置合わせマークが見つからず、印刷された様式とも照合できません（白紙、別の様式、または大きく傾いています）。"


def load_pages(path: Path, first: int | None = None) -> list[Any]:
    """Grayscale pages (numpy arrays) of an image or a PDF (rendered at 300 dpi with pdfium).

    ``first`` renders only that many pages (a preview needs one, not all 200 at 9 MB each).
    """
    kind = check_upload(path, "image")
    if kind == "pdf":
        try:
            with PDFIUM_LOCK:  # pdfium is not thread-safe and read_batch reads two files at once
                pdf = pdfium.PdfDocument(str(path))
                try:
                    count = len(pdf) if first is None else min(first, len(pdf))
                    return [np.asarray(pdf[i].render(scale=300 / 72).to_pil().convert("L")) for i in range(count)]
                finally:
                    pdf.close()
        except Exception as exc:  # pdfium raises its own error types for broken files
            raise BusinessError(f"PDFを読めません（壊れている可能性があります: {exc.__class__.__name__}）。", where=path.name) from None
    try:
        with Image.open(path) as im:
            im.load()
            return [np.asarray(im.convert("L"))]
    except (UnidentifiedImageError, OSError) as exc:
        raise BusinessError(f"画像を読めません（壊れている可能性があります: {exc.__class__.__name__}）。", where=path.name) from None


def _squares(gray: Any) -> list[tuple[float, float, float]]:
    """Solid dark squares: (cx, cy, side) in image pixels, from 0.8 % to 5 % of the page width."""
    ww = gray.shape[1]
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bw, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        side = (w + h) / 2
        if not (0.008 * ww <= side <= 0.05 * ww) or not (0.75 < w / max(h, 1) < 1.33):
            continue
        fill = cv2.contourArea(c) / max(w * h, 1)
        if fill > 0.8:
            out.append((x + w / 2, y + h / 2, side))
    return out


def find_marks(gray: Any) -> tuple[list[tuple[float, float]], tuple[float, float] | None]:
    """The four corner marks (TL, TR, BR, BL of the image) and the orientation mark, or an error.

    Marks of any size and margin are found (a municipality's own form prints its own); the
    orientation mark is a smaller solid square beside one of them (kyodo's forms have one).
    """
    hh, ww = gray.shape
    squares = _squares(gray)
    found: list[tuple[float, float, float] | None] = []
    for cx, cy in ((0, 0), (ww, 0), (ww, hh), (0, hh)):
        near = [s for s in squares if ((s[0] - cx) ** 2 + (s[1] - cy) ** 2) ** 0.5 <= 0.2 * ww]
        found.append(max(near, key=lambda s: (round(s[2] / (0.004 * ww)), -((s[0] - cx) ** 2 + (s[1] - cy) ** 2)),
                         default=None))
    missing = [i for i, f in enumerate(found) if f is None]
    if len(missing) > 1:
        raise BusinessError(NO_MARKS, hint="用紙全体が写るようにスキャンしてください。")
    if missing:  # one mark cut off by a skewed scan: the other three fix it (opposite corners of a parallelogram)
        i = missing[0]
        a, b, c = (found[(i + k) % 4] for k in (1, 2, 3))
        assert a is not None and b is not None and c is not None
        found[i] = (a[0] + c[0] - b[0], a[1] + c[1] - b[1], (a[2] + c[2]) / 2)
    corners = [(f[0], f[1]) for f in found if f is not None]
    sides = [f[2] for f in found if f is not None]
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    top, bottom, left, right = x1 - x0, x2 - x3, y3 - y0, y2 - y1
    if min(top, bottom, left, right) <= 0 or abs(top / bottom - 1) > 0.1 or abs(left / right - 1) > 0.1 \
            or max(sides) > 1.5 * min(sides):  # four squares, but not the marks of one sheet
        raise BusinessError(NO_MARKS, hint="用紙全体が写るようにスキャンしてください。")
    mark = sorted(sides)[1]
    orient = None
    for s in squares:
        if s[2] < 0.75 * mark:
            for cx, cy in corners:
                if ((s[0] - cx) ** 2 + (s[1] - cy) ** 2) ** 0.5 < 3 * mark:
                    orient = (s[0], s[1])
    return corners, orient


def upright(gray: Any) -> tuple[Any, int]:
    """A portrait page scanned sideways, turned upright (tesseract OSD says which way): (page, degrees)."""
    hh, ww = gray.shape
    if ww <= 1.1 * hh:
        return gray, 0
    rotate = _osd_rotate(gray)
    turn = 270 if rotate == 270 else 90  # OSD's 0/180 on a landscape scan of a portrait form: guess, checked later
    return np.ascontiguousarray(np.rot90(gray, -1 if turn == 90 else 1)), turn


def _osd_rotate(gray: Any) -> int | None:
    """Clockwise degrees that make the text upright (tesseract's orientation detection), None if unsure."""
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=10",
                                       output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return None
    return int(osd["rotate"]) if float(osd.get("orientation_conf", 0)) >= 0.5 else None


def turn_180(page: Any) -> Any:
    return np.ascontiguousarray(page[::-1, ::-1])


@lru_cache(maxsize=32)
def marks_of_reference(path: Path) -> tuple[tuple[float, float], ...] | None:
    """The marks of a blank form's scan as page fractions (None when it has none: layout alignment)."""
    gray = load_pages(path, first=1)[0]
    gray, _ = upright(gray)
    try:
        corners, _ = find_marks(gray)
    except BusinessError:
        return None
    hh, ww = gray.shape
    return tuple((round(x / ww, 4), round(y / hh, 4)) for x, y in corners)

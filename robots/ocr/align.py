"""Loading scans and aligning them to the template, from registration marks or the printed layout.

Four solid squares mark the corners of a form, and (on kyodo's forms) a small square beside the
top-left one gives the orientation. The marks' centres give a perspective transform onto the
printed page — to where the template says the marks are printed — that undoes shift, scale and
the 1-3 degree rotation of a hand-fed scanner. A page scanned sideways is turned upright first
(tesseract's orientation detection); an upside-down page is turned by the orientation mark, or,
without one, when its title only reads the other way round (see ``reader.locate``).

A scan whose marks are missing (a photocopy that cut the corners, a municipality's own form)
is aligned on the printed layout instead: ORB features of the page are matched to the form's
reference image (the template's ``reference`` scan of a blank form, or the blank form drawn
from the template) and a RANSAC similarity (shift, rotation, scale) maps one onto the other —
180° included.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.robots.ocr.sample_forms import H, W, orient_center

NO_MARKS = "用紙の四隅の位置合わせマークが見つからず、印刷された様式とも照合できません（白紙、別の様式、または大きく傾いています）。"
LAYOUT_WIDTH = 1240  # feature matching at 150 dpi: fast, and still a few pixels at 300 dpi
MIN_INLIERS = 60


def load_pages(path: Path, first: int | None = None) -> list[Any]:
    """Grayscale pages (numpy arrays) of an image or a PDF (rendered at 300 dpi with pdfium).

    ``first`` renders only that many pages (a preview needs one, not all 200 at 9 MB each).
    """
    import numpy as np

    from kyodo.core.uploads import PDFIUM_LOCK, check_upload

    kind = check_upload(path, "image")
    if kind == "pdf":
        import pypdfium2 as pdfium

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
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()
            return [np.asarray(im.convert("L"))]
    except (UnidentifiedImageError, OSError) as exc:
        raise BusinessError(f"画像を読めません（壊れている可能性があります: {exc.__class__.__name__}）。", where=path.name) from None


def _squares(gray: Any) -> list[tuple[float, float, float]]:
    """Solid dark squares: (cx, cy, side) in image pixels, from 0.8 % to 5 % of the page width."""
    import cv2

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


def frame_points(marks: Any) -> list[tuple[float, float]]:
    """Mark centres of a template in the pixels of the aligned page (W x H)."""
    return [(x * W, y * H) for x, y in marks]


def fits_frame(corners: list[tuple[float, float]], marks: Any) -> bool:
    """The found marks span the same proportions as the template's (else it is another sheet)."""
    (x0, y0), (x1, _), (_, y2), _ = frame_points(marks)
    want = (x1 - x0) / (y2 - y0)
    (a0, b0), (a1, _), _, (_, b3) = corners
    return abs(((a1 - a0) / max(b3 - b0, 1)) / want - 1) <= 0.1


def orientation_flipped(corners: list[tuple[float, float]], orient: tuple[float, float] | None) -> bool | None:
    """True when the orientation mark sits by the bottom-right corner; None without a mark."""
    if orient is None:
        return None
    nearest = min(range(4), key=lambda i: (orient[0] - corners[i][0]) ** 2 + (orient[1] - corners[i][1]) ** 2)
    return nearest == 2


def warp(gray: Any, corners: list[tuple[float, float]], marks: Any, flipped: bool) -> Any:
    """The scan mapped onto the printed page (W x H): scan marks -> the template's mark positions."""
    import cv2
    import numpy as np

    if flipped:
        corners = [corners[2], corners[3], corners[0], corners[1]]
    m = cv2.getPerspectiveTransform(np.float32(corners), np.float32(frame_points(marks)))
    return cv2.warpPerspective(gray, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=255)


def upright(gray: Any) -> tuple[Any, int]:
    """A portrait page scanned sideways, turned upright (tesseract OSD says which way): (page, degrees)."""
    import numpy as np

    hh, ww = gray.shape
    if ww <= 1.1 * hh:
        return gray, 0
    rotate = _osd_rotate(gray)
    turn = 270 if rotate == 270 else 90  # OSD's 0/180 on a landscape scan of a portrait form: guess, checked later
    return np.ascontiguousarray(np.rot90(gray, -1 if turn == 90 else 1)), turn


def _osd_rotate(gray: Any) -> int | None:
    """Clockwise degrees that make the text upright (tesseract's orientation detection), None if unsure."""
    import cv2
    import pytesseract

    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=10",
                                       output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return None
    return int(osd["rotate"]) if float(osd.get("orientation_conf", 0)) >= 0.5 else None


def turn_180(page: Any) -> Any:
    import numpy as np

    return np.ascontiguousarray(page[::-1, ::-1])


def align(gray: Any, templates: list[Any] | None = None) -> tuple[Any, bool]:
    """The page warped onto kyodo's own frame (the first template's, if given), and whether it was upside down."""
    from kyodo.robots.ocr.templates import KYODO_MARKS

    try:
        corners, orient = find_marks(gray)
    except BusinessError:
        found = align_by_layout(gray, templates or [])
        if found is None:
            raise
        return found
    marks = templates[0].mark_points() if templates else KYODO_MARKS
    flipped = bool(orientation_flipped(corners, orient))
    return warp(gray, corners, marks, flipped), flipped


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


@lru_cache(maxsize=16)
def _reference(template_json: str) -> Any:
    """ORB keypoints and descriptors of a form's blank layout, at LAYOUT_WIDTH."""
    import cv2
    import numpy as np

    from kyodo.robots.ocr.sample_forms import render
    from kyodo.robots.ocr.templates import FormTemplate

    t = FormTemplate.model_validate_json(template_json)
    if t.reference:  # a scan of the blank form: PNG, JPEG, TIFF or PDF, checked like any scan
        ref = cv2.resize(load_pages(Path(t.reference), first=1)[0], (W, H), interpolation=cv2.INTER_AREA)
    else:
        ref = np.asarray(render(t, {}))
    small = cv2.resize(ref, (LAYOUT_WIDTH, int(LAYOUT_WIDTH * H / W)), interpolation=cv2.INTER_AREA)
    orb = cv2.ORB_create(nfeatures=4000)
    return orb.detectAndCompute(small, None)


def align_by_layout(gray: Any, templates: list[Any]) -> tuple[Any, bool] | None:
    """Align on the printed layout of the best-matching template, or None when none matches."""
    import math

    import cv2
    import numpy as np

    if not templates:
        return None
    s = LAYOUT_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    orb = cv2.ORB_create(nfeatures=4000)
    kp, des = orb.detectAndCompute(small, None)
    if des is None or len(kp) < MIN_INLIERS:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    best: tuple[int, Any] | None = None
    for t in templates:
        rkp, rdes = _reference(t.model_dump_json())
        if rdes is None:
            continue
        pairs = [m for m, n in (p for p in matcher.knnMatch(des, rdes, k=2) if len(p) == 2) if m.distance < 0.8 * n.distance]
        if len(pairs) < MIN_INLIERS:
            continue
        src = np.float32([kp[m.queryIdx].pt for m in pairs])
        dst = np.float32([rkp[m.trainIdx].pt for m in pairs])
        # A similarity (shift, rotation, scale) is what a scanner does; a full homography would
        # also "fit" an unrelated page by collapsing it onto a few matching characters.
        sim, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0)
        if sim is None:
            continue
        n = int(inl.sum())
        zoom = math.hypot(sim[0, 0], sim[1, 0])  # both sides are at LAYOUT_WIDTH: a same-size form is ~1
        pts = dst[inl.ravel() > 0]
        spread = np.ptp(pts, axis=0) / np.float32([LAYOUT_WIDTH, LAYOUT_WIDTH * H / W]) if n else np.zeros(2)
        # matches must come from the whole sheet: a lone title shares glyphs with any Japanese form
        if n >= MIN_INLIERS and n >= 0.4 * len(pairs) and 0.7 < zoom < 1.4 and spread.min() > 0.4 \
                and (best is None or n > best[0]):
            best = (n, sim)
    if best is None:
        return None
    sim = np.vstack([best[1], [0.0, 0.0, 1.0]])
    scale_ref = W / LAYOUT_WIDTH  # reference pixels -> template grid
    full = np.diag([scale_ref, scale_ref, 1.0]) @ sim @ np.diag([s, s, 1.0])
    angle = math.degrees(math.atan2(full[1, 0], full[0, 0]))
    warped = cv2.warpPerspective(gray, full, (W, H), flags=cv2.INTER_LINEAR, borderValue=255)
    return warped, abs(angle) > 90


def is_blank(gray: Any) -> bool:
    """Almost no ink at all."""
    from kyodo.robots.ocr._prep import ink_ratio

    return ink_ratio(gray) < 0.002


__all__ = ["align", "find_marks", "is_blank", "load_pages", "orient_center", "upright", "warp"]

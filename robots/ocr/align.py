"""Loading scans and aligning them to the template, from registration marks or the printed layout.

Four solid squares mark the corners of every kyodo form, and a small square beside the top-left
one gives the orientation. The marks' centres give a perspective transform that undoes shift,
scale and the 1-3 degree rotation of a hand-fed scanner; an upside-down page is turned around.

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

from robots.errors import BusinessError
from robots.ocr.sample_forms import H, MARK, ORIENT, W, mark_centers, orient_center

NO_MARKS = "用紙の四隅の位置合わせマークが見つからず、印刷された様式とも照合できません（白紙、別の様式、または大きく傾いています）。"
LAYOUT_WIDTH = 1240  # feature matching at 150 dpi: fast, and still a few pixels at 300 dpi
MIN_INLIERS = 60


def load_pages(path: Path, first: int | None = None) -> list[Any]:
    """Grayscale pages (numpy arrays) of an image or a PDF (rendered at 300 dpi with pdfium).

    ``first`` renders only that many pages (a preview needs one, not all 200 at 9 MB each).
    """
    import numpy as np

    from runner.uploads import PDFIUM_LOCK, check_upload

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
    """Solid dark squares: (cx, cy, side) in image pixels."""
    import cv2

    scale = gray.shape[1] / W
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bw, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        side = (w + h) / 2
        if not (0.6 * ORIENT * scale <= side <= 1.5 * MARK * scale) or not (0.75 < w / max(h, 1) < 1.33):
            continue
        fill = cv2.contourArea(c) / max(w * h, 1)
        if fill > 0.8:
            out.append((x + w / 2, y + h / 2, side))
    return out


def find_marks(gray: Any) -> tuple[list[tuple[float, float]], tuple[float, float] | None]:
    """The four corner marks (TL, TR, BR, BL) and the orientation mark, or an error."""
    hh, ww = gray.shape
    scale = ww / W
    squares = _squares(gray)
    big = [s for s in squares if s[2] >= 0.75 * MARK * scale]
    small = [s for s in squares if s[2] < 0.75 * MARK * scale]
    corners = []
    for cx, cy in ((0, 0), (ww, 0), (ww, hh), (0, hh)):
        best = min(big, key=lambda s: (s[0] - cx) ** 2 + (s[1] - cy) ** 2, default=None)
        if best is None or ((best[0] - cx) ** 2 + (best[1] - cy) ** 2) ** 0.5 > 0.2 * ww:
            raise BusinessError(NO_MARKS, hint="用紙全体が写るようにスキャンしてください。")
        corners.append((best[0], best[1]))
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    top, bottom, left, right = x1 - x0, x2 - x3, y3 - y0, y2 - y1
    (mx0, my0), (mx1, _), (_, my2), _ = mark_centers()
    want = (mx1 - mx0) / (my2 - my0)
    if min(top, bottom, left, right) <= 0 or abs(top / bottom - 1) > 0.1 or abs(left / right - 1) > 0.1 \
            or abs((top / left) / want - 1) > 0.1:  # four squares, but not the marks of one sheet
        raise BusinessError(NO_MARKS, hint="用紙全体が写るようにスキャンしてください。")
    orient = None
    for s in small:
        for cx, cy in corners:
            d = ((s[0] - cx) ** 2 + (s[1] - cy) ** 2) ** 0.5
            if d < 3 * MARK * scale:
                orient = (s[0], s[1])
    return corners, orient


def align(gray: Any, templates: list[Any] | None = None) -> tuple[Any, bool]:
    """The page warped onto the template's 2480x3508 grid, and whether it was upside down."""
    import cv2
    import numpy as np

    try:
        corners, orient = find_marks(gray)
    except BusinessError:
        found = align_by_layout(gray, templates or [])
        if found is None:
            raise
        return found
    flipped = False
    if orient is not None:
        nearest = min(range(4), key=lambda i: (orient[0] - corners[i][0]) ** 2 + (orient[1] - corners[i][1]) ** 2)
        if nearest == 2:  # the orientation mark sits by the bottom-right corner: the page is upside down
            flipped = True
            corners = [corners[2], corners[3], corners[0], corners[1]]
    src = np.float32(corners)
    dst = np.float32(mark_centers())
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(gray, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=255)
    return warped, flipped


@lru_cache(maxsize=16)
def _reference(template_json: str) -> Any:
    """ORB keypoints and descriptors of a form's blank layout, at LAYOUT_WIDTH."""
    import cv2
    import numpy as np

    from robots.ocr.sample_forms import render
    from robots.ocr.templates import FormTemplate

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
    from robots.ocr._prep import ink_ratio

    return ink_ratio(gray) < 0.002


__all__ = ["align", "find_marks", "is_blank", "load_pages", "orient_center"]

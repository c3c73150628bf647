"""Aligning a scan to its template, from registration marks or the printed layout.

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

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kyodo.core.errors import BusinessError
from kyodo.robots.ocr._prep import ink_ratio
from kyodo.robots.ocr.pages import find_marks, load_pages
from kyodo.robots.ocr.render import H, W, render
from kyodo.robots.ocr.templates import KYODO_MARKS, FormTemplate

LAYOUT_WIDTH = 1240  # feature matching at 150 dpi: fast, and still a few pixels at 300 dpi
MIN_INLIERS = 60


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
    if flipped:
        corners = [corners[2], corners[3], corners[0], corners[1]]
    m = cv2.getPerspectiveTransform(np.array(corners, dtype=np.float32), np.array(frame_points(marks), dtype=np.float32))
    return cv2.warpPerspective(gray, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=255)


def align(gray: Any, templates: list[Any] | None = None) -> tuple[Any, bool]:
    """The page warped onto kyodo's own frame (the first template's, if given), and whether it was upside down."""
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


@lru_cache(maxsize=16)
def _reference(template_json: str) -> Any:
    """ORB keypoints and descriptors of a form's blank layout, at LAYOUT_WIDTH."""
    t = FormTemplate.model_validate_json(template_json)
    if t.reference:  # a scan of the blank form: PNG, JPEG, TIFF or PDF, checked like any scan
        ref = cv2.resize(load_pages(Path(t.reference), first=1)[0], (W, H), interpolation=cv2.INTER_AREA)
    else:
        ref = np.asarray(render(t, {}))
    small = cv2.resize(ref, (LAYOUT_WIDTH, int(LAYOUT_WIDTH * H / W)), interpolation=cv2.INTER_AREA)
    orb = cv2.ORB.create(nfeatures=4000)
    return orb.detectAndCompute(small, None)


def align_by_layout(gray: Any, templates: list[Any]) -> tuple[Any, bool] | None:
    """Align on the printed layout of the best-matching template, or None when none matches."""
    if not templates:
        return None
    s = LAYOUT_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    orb = cv2.ORB.create(nfeatures=4000)
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
        src = np.array([kp[m.queryIdx].pt for m in pairs], dtype=np.float32)
        dst = np.array([rkp[m.trainIdx].pt for m in pairs], dtype=np.float32)
        # A similarity (shift, rotation, scale) is what a scanner does; a full homography would
        # also "fit" an unrelated page by collapsing it onto a few matching characters.
        sim, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0)
        if sim is None:
            continue
        n = int(inl.sum())
        zoom = math.hypot(sim[0, 0], sim[1, 0])  # both sides are at LAYOUT_WIDTH: a same-size form is ~1
        pts = dst[inl.ravel() > 0]
        spread = np.ptp(pts, axis=0) / np.array([LAYOUT_WIDTH, LAYOUT_WIDTH * H / W], dtype=np.float32) if n else np.zeros(2)
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
    return ink_ratio(gray) < 0.002


__all__ = ["align", "align_by_layout", "fits_frame", "is_blank", "orientation_flipped", "warp"]

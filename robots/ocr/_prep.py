"""Cleaning a field crop before tesseract: specks and frame lines out, ink trimmed, size normalised.

tesseract's LSTM reads best when a line of text is about 30 px high; the forms print values
much larger at 300 dpi (and at that size the ``jpn`` model misreads 翔 as 半, 也 as 世), so
every crop is trimmed to its ink and scaled to a fixed height. Noise specks and the remnants of
the printed box (a scan is never perfectly aligned) are removed first, because both would
stretch the trimmed box and turn into stray characters.
"""

from __future__ import annotations

from typing import Any

SPECK_AREA = 12  # connected ink smaller than this (pixels at 300 dpi) is scanner noise


def ink_threshold(gray: Any) -> float:
    """Otsu's threshold, clamped so that a nearly empty crop does not turn its noise into ink."""
    import cv2

    thr, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return min(max(float(thr), 90.0), 170.0)


def clean(gray: Any) -> tuple[Any, tuple[int, int, int, int] | None]:
    """The crop with specks and frame lines whitened, and the bounding box (x, y, w, h) of its ink."""
    import cv2
    import numpy as np

    if gray.size == 0:
        return gray, None
    hh, ww = gray.shape
    mask = (gray < ink_threshold(gray)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    x, y, w, h, area = stats.T  # one pass over every component (a noisy crop has thousands)
    touches = (x <= 2) | (y <= 2) | (x + w >= ww - 2) | (y + h >= hh - 2)
    frame = touches & (((w > 0.5 * ww) & (h < 12)) | ((h > 0.6 * hh) & (w < 12)))
    keep = (area >= SPECK_AREA) & ~frame
    keep[0] = False  # the background
    good = keep[labels]
    out = gray.copy()
    out[(mask > 0) & ~good] = 255
    if not good.any():
        return out, None
    ys, xs = np.nonzero(good)
    return out, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def fit_height(gray: Any, box: tuple[int, int, int, int], height: int, *, binarize: bool = False) -> Any:
    """The inked part of ``gray`` scaled so the text line is ``height`` pixels high."""
    import cv2

    x, y, w, h = box
    m = 4
    part = gray[max(y - m, 0): y + h + m, max(x - m, 0): x + w + m]
    scale = min(max(height / max(h, 1), 0.15), 4.0)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out = cv2.resize(part, None, fx=scale, fy=scale, interpolation=interp)
    if binarize:
        out = cv2.medianBlur(out, 3)
        _, out = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


def ink_ratio(gray: Any) -> float:
    """Share of dark pixels (checkboxes, blank-page test)."""

    return float((gray < 128).mean()) if gray.size else 0.0


__all__ = ["clean", "fit_height", "ink_ratio"]

"""Cleaning a field crop before tesseract: specks and frame lines out, ink trimmed, size normalised.

tesseract's LSTM reads best when a line of text is about 30 px high; the forms print values
much larger at 300 dpi (and at that size the ``jpn`` model misreads 翔 as 半, 也 as 世), so
every crop is trimmed to its ink and scaled to a fixed height. Noise specks and the remnants of
the printed box (a scan is never perfectly aligned) are removed first, because both would
stretch the trimmed box and turn into stray characters.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

SPECK_AREA = 12  # connected ink smaller than this (pixels at 300 dpi) is scanner noise


def ink_threshold(gray: Any) -> float:
    """Otsu's threshold, clamped so that a nearly empty crop does not turn its noise into ink."""
    thr, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return min(max(float(thr), 90.0), 170.0)


def clean(gray: Any) -> tuple[Any, tuple[int, int, int, int] | None]:
    """The crop with specks and frame lines whitened, and the bounding box (x, y, w, h) of its ink."""
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


def text_lines(gray: Any, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The ink box of each text line inside ``box`` of a cleaned crop, top to bottom.

    Rows without ink separate lines; a band much thinner than the others (a dakuten, an underline
    remnant) joins its nearest neighbour instead of becoming a line of its own.
    """
    x, y, w, h = box
    ink = gray[y: y + h, x: x + w] < ink_threshold(gray)
    rows = ink.any(axis=1)
    bands: list[list[int]] = []
    for i, on in enumerate(rows):
        if on and (not bands or bands[-1][1] < i - 2):
            bands.append([i, i])
        elif on:
            bands[-1][1] = i
    if not bands:
        return []
    tallest = max(b - a + 1 for a, b in bands)
    merged: list[list[int]] = []
    for a, b in bands:
        if merged and (b - a + 1 < 0.35 * tallest or merged[-1][1] - merged[-1][0] + 1 < 0.35 * tallest):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        cols = np.nonzero(ink[a: b + 1].any(axis=0))[0]
        out.append((x + int(cols.min()), y + a, int(cols.max() - cols.min() + 1), b - a + 1))
    return out


def wide_gaps(line: Any, min_gap: float) -> list[tuple[int, int]]:
    """Ink-free column runs at least ``min_gap`` pixels wide between inked columns of a line image."""
    cols = np.nonzero((line < 128).any(axis=0))[0]
    if cols.size < 2:
        return []
    steps = np.diff(cols)
    return [(int(cols[i]) + 1, int(cols[i + 1])) for i in np.nonzero(steps > min_gap)[0]]


def paper_noise(gray: Any) -> float:
    """Share of the light pixels that are not white: ~0.05 on a clean scan (ink edges), 0.5+ on a noisy one."""
    light = gray[gray >= 200] if gray.size else gray
    return float((light <= 245).mean()) if light.size else 0.0


def squeeze(line: Any, max_gap: int) -> Any:
    """The line with every ink-free column run cut to ``max_gap`` pixels.

    Full-width digits (０８３－９２２) stand a character apart; tesseract then doubts whether
    "１２" is one number (confidence 0). For numbers, spacing means nothing, so it is taken out.
    """
    empty = ~(line < 128).any(axis=0)
    keep = np.ones(line.shape[1], bool)
    run = 0
    for i, e in enumerate(empty):
        run = run + 1 if e else 0
        if run > max_gap:
            keep[i] = False
    return np.ascontiguousarray(line[:, keep])


def ink_ratio(gray: Any) -> float:
    """Share of dark pixels (checkboxes, blank-page test)."""

    return float((gray < 128).mean()) if gray.size else 0.0


__all__ = ["clean", "fit_height", "ink_ratio", "text_lines", "wide_gaps"]

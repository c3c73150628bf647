"""How much a checkbox is ticked, whatever box the template drew around it.

The template's box may be the bare □, the □ with a margin, or only its inside; measuring ink in
that box as it is gives a different figure for each (the frame's own lines count as ink, or a
tick's strokes fall outside). So the printed square is found first — its four straight edges,
near the drawn box — and ink is measured only inside it, away from its lines. A box with no
printed square around it is measured as drawn, without its straight lines.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

INK = 140  # grey level below which a pixel is ink
TICKED = 0.08  # share of the square's inside covered by ink above which it is ticked
CERTAIN = 0.06  # distance from TICKED at which the decision is fully confident


def tick_ink(page: Any, box: tuple[float, float, float, float]) -> float:
    """Share of ink inside the printed square nearest to ``box`` (fractions of the aligned page)."""
    hh, ww = page.shape[:2]
    x, y, w, h = int(box[0] * ww), int(box[1] * hh), max(int(box[2] * ww), 4), max(int(box[3] * hh), 4)
    side = min(w, h)
    m = max(10, side // 2)
    x0, y0 = max(x - m, 0), max(y - m, 0)
    region = (page[y0: y + h + m, x0: x + w + m] < INK).astype(np.uint8)
    if region.size == 0:
        return 0.0
    cx, cy = x - x0 + w / 2, y - y0 + h / 2
    k = max(5, int(0.6 * side))
    horiz = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((1, k), np.uint8))
    vert = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    band = slice(max(int(cx - 0.3 * side), 0), int(cx + 0.3 * side) + 1)  # the middle of the box only
    rows = np.nonzero(horiz[:, band].mean(axis=1) > 0.8)[0]
    band = slice(max(int(cy - 0.3 * side), 0), int(cy + 0.3 * side) + 1)
    cols = np.nonzero(vert[band, :].mean(axis=0) > 0.8)[0]
    top = _nearest(rows, cy, below=True, limit=0.9 * side, default=y - y0)
    bottom = _nearest(rows, cy, below=False, limit=0.9 * side, default=y - y0 + h)
    left = _nearest(cols, cx, below=True, limit=0.9 * side, default=x - x0)
    right = _nearest(cols, cx, below=False, limit=0.9 * side, default=x - x0 + w)
    pad = max(2, int(0.08 * side))
    inside = region[top + pad: bottom - pad + 1, left + pad: right - pad + 1]
    lines = np.bitwise_or(horiz, vert)[top + pad: bottom - pad + 1, left + pad: right - pad + 1]
    if inside.size == 0:
        return 0.0
    return float((inside & (1 - lines)).mean())


def _nearest(idx: Any, centre: float, *, below: bool, limit: float, default: int) -> int:
    """The line index closest to the centre on one side (within ``limit``), else the drawn edge."""
    side = idx[idx < centre] if below else idx[idx > centre]
    if side.size == 0:
        return default
    best = int(side.max() if below else side.min())
    return best if abs(best - centre) <= limit else default


def decide(ink: float) -> tuple[bool, float]:
    """Ticked or not, and how sure (0-1): near the threshold the confidence drops."""
    return ink > TICKED, round(min(1.0, abs(ink - TICKED) / CERTAIN), 3)

"""Loading scans and aligning them to the template from the printed registration marks.

Four solid squares mark the corners of every kyodo form, and a small square beside the top-left
one gives the orientation. The marks' centres give a perspective transform that undoes shift,
scale and the 1-3 degree rotation of a hand-fed scanner; an upside-down page is turned around.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.ocr.sample_forms import H, MARK, ORIENT, W, mark_centers, orient_center


def load_pages(path: Path) -> list[Any]:
    """Grayscale pages (numpy arrays) of an image or a PDF (rendered at 300 dpi with pdfium)."""
    import numpy as np

    from runner.uploads import check_upload

    kind = check_upload(path, "image")
    if kind == "pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
            return [np.asarray(page.render(scale=300 / 72).to_pil().convert("L")) for page in pdf]
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
            raise BusinessError("用紙の四隅の位置合わせマークが見つかりません（白紙、別の様式、または大きく傾いています）。",
                                hint="kyodo の様式を、用紙全体が写るようにスキャンしてください。")
        corners.append((best[0], best[1]))
    orient = None
    for s in small:
        for cx, cy in corners:
            d = ((s[0] - cx) ** 2 + (s[1] - cy) ** 2) ** 0.5
            if d < 3 * MARK * scale:
                orient = (s[0], s[1])
    return corners, orient


def align(gray: Any) -> tuple[Any, bool]:
    """The page warped onto the template's 2480x3508 grid, and whether it was upside down."""
    import cv2
    import numpy as np

    corners, orient = find_marks(gray)
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


def is_blank(gray: Any) -> bool:
    """Almost no ink at all."""
    import numpy as np

    return float((gray < 128).mean()) < 0.002


__all__ = ["align", "find_marks", "is_blank", "load_pages", "orient_center"]

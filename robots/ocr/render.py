"""A form template drawn as the printed page: A4 at 300 dpi, registration marks, labels and values.

The aligner renders a template without a reference scan to find its layout; the sample-form writers
(:mod:`kyodo.robots.ocr.sample_forms`, :mod:`kyodo.robots.ocr.sample_inkan`) draw filled forms with it.
"""

from __future__ import annotations

import io
import random
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

if TYPE_CHECKING:  # templates find their marks with the aligner, which renders with this module
    from kyodo.robots.ocr.templates import FormTemplate

W, H = 2480, 3508  # A4 at 300 dpi
MARK, MARK_MARGIN, ORIENT = 70, 110, 34
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def mark_centers() -> list[tuple[int, int]]:
    """Registration mark centres: top-left, top-right, bottom-right, bottom-left."""
    c = MARK_MARGIN + MARK // 2
    return [(c, c), (W - c, c), (W - c, H - c), (c, H - c)]


# kyodo's own forms: the mark centres as fractions of the page (templates' default ``marks``)
KYODO_MARKS = tuple((x / W, y / H) for x, y in mark_centers())


def orient_center() -> tuple[int, int]:
    c = MARK_MARGIN + MARK // 2
    return (c + MARK + 40, c)


def _font(size: int) -> Any:
    return ImageFont.truetype(FONT, size, index=0)


def render(t: FormTemplate, values: dict[str, Any]) -> Any:
    """The filled form as a PIL image (grayscale, 300 dpi)."""
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    for cx, cy in mark_centers():
        d.rectangle([cx - MARK // 2, cy - MARK // 2, cx + MARK // 2, cy + MARK // 2], fill=0)
    ox, oy = orient_center()
    d.rectangle([ox - ORIENT // 2, oy - ORIENT // 2, ox + ORIENT // 2, oy + ORIENT // 2], fill=0)
    title_font = _font(92)
    tw = d.textlength(t.title, font=title_font)
    d.text(((W - tw) / 2, int(0.065 * H)), t.title, font=title_font, fill=0)
    label_font, value_font = _font(52), _font(66)
    for f in t.fields:
        x, y, w, h = (int(f.zone[0] * W), int(f.zone[1] * H), int(f.zone[2] * W), int(f.zone[3] * H))
        d.rectangle([x, y, x + w, y + h], outline=0, width=3)
        if f.type == "チェックボックス":
            d.text((x + w + 25, y - 8), f.name, font=label_font, fill=0)
            if values.get(f.name):
                d.line([x + 10, y + 10, x + w - 10, y + h - 10], fill=0, width=9)
                d.line([x + w - 10, y + 10, x + 10, y + h - 10], fill=0, width=9)
            continue
        label = "〒" if f.type == "郵便番号" else f.name
        d.text((int(0.08 * W), y + 20), label, font=label_font, fill=0)
        if f.type == "金額":
            d.text((x + w + 20, y + 20), "円", font=label_font, fill=0)
        d.text((x + 25, y + (h - 80) // 2), str(values.get(f.name, "")), font=value_font, fill=0)
    return img


def degrade(img: Any, rng: random.Random) -> Any:
    """A realistic bad scan: 1-3 degree rotation, shift, noise, blur and JPEG artefacts."""
    angle = rng.uniform(1, 3) * rng.choice([-1, 1])
    out = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255,
                     translate=(rng.randint(-25, 25), rng.randint(-25, 25)))
    out = out.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.6, 1.2)))
    arr = np.asarray(out).astype(np.int16) + np.random.default_rng(rng.randint(0, 10**6)).normal(0, 14, out.size[::-1]).astype(np.int16)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=rng.randint(35, 55))
    buf.seek(0)
    return Image.open(buf).convert("L")

"""Checking a form template against one real scan, for the DX leader who writes the template.

Writing ``box: [x, y, w, h]`` by hand is trial and error; this shows the result of each try: the
scan aligned to the template, every zone drawn on it (numbered, green when the value was read
and passed its checks, red when it would go to review) and the value read from each zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
from PIL import Image

from kyodo.core.errors import BusinessError
from kyodo.robots.excel import atomic_path
from kyodo.robots.ocr.align import is_blank
from kyodo.robots.ocr.fields import FieldResult, read_fields
from kyodo.robots.ocr.pages import load_pages
from kyodo.robots.ocr.reader import locate
from kyodo.robots.ocr.templates import FormTemplate

GREEN, RED, BLUE = (0, 150, 0), (220, 0, 0), (0, 90, 220)


@dataclass
class Preview:
    """What one scan gives under one template."""

    image: Any  # RGB numpy array of the aligned page with the zones drawn
    fields: list[FieldResult]
    recognised_as: str | None  # the template the title matched, None if it matched none
    title_read: str
    flipped: bool
    turned: int = 0


def preview_scan(path: Path, template: FormTemplate) -> Preview:
    """Align the first page of ``path`` to ``template``, read every field, draw the zones."""
    gray = load_pages(path, first=1)[0]
    if is_blank(gray):
        raise BusinessError("白紙のページです。", where=path.name, hint="記入済みの様式をスキャンした画像を指定してください。")
    found = locate(gray, [template])  # the same frame as a real run: the template's printed page
    results = read_fields(found.page, template.fields, template.linked_text())
    return Preview(draw_zones(found.page, template, results), results,
                   found.template.name if found.template else None, found.title_read, found.turned != 0, found.turned)


def draw_zones(page: Any, template: FormTemplate, results: list[FieldResult] | None = None) -> Any:
    """The page in colour with the title zone (blue) and numbered field zones (green / red)."""
    img = cv2.cvtColor(page, cv2.COLOR_GRAY2RGB)
    hh, ww = page.shape[:2]

    def rect(box: tuple[float, float, float, float], colour: tuple[int, int, int], label: str) -> None:
        x, y, w, h = int(box[0] * ww), int(box[1] * hh), int(box[2] * ww), int(box[3] * hh)
        cv2.rectangle(img, (x, y), (x + w, y + h), colour, 6)
        cv2.putText(img, label, (x + 4, max(y - 10, 30)), cv2.FONT_HERSHEY_SIMPLEX, 1.4, colour, 4, cv2.LINE_AA)

    rect(template.anchor_box, BLUE, "title")
    for i, f in enumerate(template.fields, 1):
        r = results[i - 1] if results else None
        colour = GREEN if r is None or not r.needs_review else RED
        if f.options:  # a group: each option's box, the group's number on the first
            for j, o in enumerate(f.options):
                rect(o.box, colour, str(i) if j == 0 else "")
        else:
            rect(f.zone, colour, str(i))
    return img


def save_png(image: Any, dest: Path) -> Path:
    """Write the preview (atomically, like every output)."""
    with atomic_path(dest) as tmp:
        Image.fromarray(image).save(tmp, format="PNG")
    return dest

"""Sample paper forms rendered for real (Noto CJK, 300 dpi), clean or degraded, with ground truth.

Used by the tests, the benchmark and ``kyodo demo``: nothing here is a stand-in for a scan —
tesseract reads the same pixels a scanner would give, including noise, blur, rotation and JPEG
artefacts on the degraded set.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kyodo.robots.ocr.templates import FormTemplate, all_templates

W, H = 2480, 3508  # A4 at 300 dpi
KYODO_FORMS = ("jido_teate_genkyo", "risai_shomei")  # the forms this module draws (others have their own generator)
MARK, MARK_MARGIN, ORIENT = 70, 110, 34
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

SURNAMES = ("山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "山本", "松本", "井上", "木村", "林")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輝", "誠", "由美", "直樹", "舞", "拓也")
TOWNS = ("山口市中央", "下関市竹崎町", "宇部市常盤町", "萩市土原", "防府市寿町", "周南市岐山通", "岩国市麻里布町")


def mark_centers() -> list[tuple[int, int]]:
    """Registration mark centres: top-left, top-right, bottom-right, bottom-left."""
    c = MARK_MARGIN + MARK // 2
    return [(c, c), (W - c, c), (W - c, H - c), (c, H - c)]


def orient_center() -> tuple[int, int]:
    c = MARK_MARGIN + MARK // 2
    return (c + MARK + 40, c)


def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(FONT, size, index=0)


def _wareki(d: date) -> str:
    from kyodo.robots.normalize import to_wareki

    return to_wareki(d)


def fake_values(t: FormTemplate, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in t.fields:
        if f.type in ("text", "氏名", "住所"):
            if "氏名" in f.name:  # family and given name with one full-width space, as on a Japanese form
                out[f.name] = f"{rng.choice(SURNAMES)}\u3000{rng.choice(GIVEN)}"
            else:
                block = f"{rng.choice(TOWNS)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
                building = rng.choice(["", "", "コーポ山口101", "ハイツ中央203"])
                out[f.name] = f"{block}\u3000{building}" if building else f"山口県{block}"
        elif f.type == "日付":
            out[f.name] = _wareki(date(2026, 1, 1) + timedelta(days=rng.randint(0, 320)))
        elif f.type == "電話番号":
            area = rng.choice(["83", "836", "834", "820"])  # 10 digits in all: 083-xxx-xxxx / 0836-xx-xxxx
            out[f.name] = f"0{area}-{rng.randint(10 ** (5 - len(area)), 10 ** (6 - len(area)) - 1)}-{rng.randint(1000, 9999)}"
        elif f.type == "郵便番号":
            out[f.name] = f"7{rng.randint(40, 59)}-{rng.randint(0, 9999):04d}"
        elif f.type == "数字":
            out[f.name] = str(rng.randint(1, 5))
        elif f.type == "金額":
            out[f.name] = f"{rng.randint(50, 900) * 10000:,}"
        elif f.type == "チェックボックス":
            out[f.name] = rng.random() < 0.5
    return out


def render(t: FormTemplate, values: dict[str, Any]) -> Any:
    """The filled form as a PIL image (grayscale, 300 dpi)."""
    from PIL import Image, ImageDraw

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
    import io

    import numpy as np
    from PIL import Image, ImageFilter

    angle = rng.uniform(1, 3) * rng.choice([-1, 1])
    out = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255,
                     translate=(rng.randint(-25, 25), rng.randint(-25, 25)))
    out = out.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.6, 1.2)))
    arr = np.asarray(out).astype(np.int16) + np.random.default_rng(rng.randint(0, 10**6)).normal(0, 14, out.size[::-1]).astype(np.int16)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=rng.randint(35, 55))
    buf.seek(0)
    return Image.open(buf).convert("L")


def write_sample_forms(dest_dir: Path, count: int, seed: int, degraded: bool) -> list[Path]:
    """Write ``count`` filled forms (alternating templates) with ``<name>.json`` ground truth."""
    rng = random.Random(seed)
    dest_dir.mkdir(parents=True, exist_ok=True)
    templates = [t for t in all_templates() if t.name in KYODO_FORMS]
    out = []
    for i in range(count):
        t = templates[i % len(templates)]
        values = fake_values(t, rng)
        img = render(t, values)
        if degraded:
            img = degrade(img, rng)
        path = dest_dir / f"scan_{i + 1:03d}.{'jpg' if degraded else 'png'}"
        img.save(path, dpi=(300, 300), **({"quality": 92} if degraded else {}))
        path.with_suffix(".json").write_text(json.dumps({"form": t.name, "values": values}, ensure_ascii=False), encoding="utf-8")
        out.append(path)
    return out

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

from kyodo.robots.normalize import to_wareki
from kyodo.robots.ocr.render import degrade, render
from kyodo.robots.ocr.templates import FormTemplate, all_templates

KYODO_FORMS = ("jido_teate_genkyo", "risai_shomei")  # the forms this module draws (others have their own generator)

SURNAMES = ("山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "山本", "松本", "井上", "木村", "林")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輝", "誠", "由美", "直樹", "舞", "拓也")
TOWNS = ("山口市中央", "下関市竹崎町", "宇部市常盤町", "萩市土原", "防府市寿町", "周南市岐山通", "岩国市麻里布町")


def _wareki(d: date) -> str:
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

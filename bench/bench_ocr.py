"""Benchmark: OCR field accuracy, review load, silent errors and speed on clean and degraded scans.

Forms are rendered with Noto CJK at 300 dpi (robots/ocr/sample_forms.py); the degraded set has
1-3 degree rotation, shift, noise, blur and JPEG artefacts. A field is *right* when its value
equals the ground truth (whitespace-insensitive), *flagged* when it went to the review list,
and a *silent error* when it is wrong and not flagged (the figure that matters: a wrong value
entering the data unseen). The naive alternative — tesseract on the whole page, no alignment,
no per-field settings, a value counted as found if it appears anywhere on its label's line —
runs on the same pages in the same run, for the accuracy and speed ratios.

Run: .venv/bin/python bench/bench_ocr.py [--forms 20] [--seed 2026]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def norm(v: object) -> str:
    return re.sub(r"\s+", "", str(v))


def evaluate(folder: Path) -> dict:
    from robots.ocr.reader import SCAN_SUFFIXES, read_batch
    from robots.ocr.templates import all_templates

    files = sorted(p for p in folder.iterdir() if p.suffix in SCAN_SUFFIXES)
    t0 = time.perf_counter()
    batch = read_batch(files, all_templates())
    secs = time.perf_counter() - t0
    total = right = flagged = silent = 0
    wrong_by_type: Counter[str] = Counter()
    for page in batch.pages:
        truth = json.loads((folder / (page.file.rsplit(".", 1)[0] + ".json")).read_text(encoding="utf-8"))["values"]
        for f in page.fields:
            total += 1
            ok = norm(f.value) == norm(truth[f.name]) if f.type != "チェックボックス" else f.value == truth[f.name]
            right += ok
            flagged += f.needs_review
            silent += (not ok) and not f.needs_review
            wrong_by_type[f.type] += not ok
    return {"pages": len(files), "read": len(batch.pages), "rejected": len(batch.rejected), "fields": total,
            "right": right / max(total, 1), "flagged": flagged / max(total, 1), "silent": silent / max(total, 1),
            "silent_n": silent, "wrong_n": total - right, "ppm": len(files) / secs * 60,
            "wrong_by_type": {k: v for k, v in wrong_by_type.items() if v}}


def naive(folder: Path) -> dict:
    """Whole-page OCR, then look for each value on the line of its printed label."""
    import pytesseract
    from PIL import Image

    from robots.ocr.templates import load_template

    total = right = 0
    jsons = sorted(folder.glob("*.json"))
    t0 = time.perf_counter()
    for p in jsons:
        truth = json.loads(p.read_text(encoding="utf-8"))
        with Image.open(next(p.parent.glob(p.stem + ".*g"))) as im:
            text = pytesseract.image_to_string(im, lang="jpn")
        lines = [norm(line) for line in text.splitlines()]
        for f in load_template(truth["form"]).fields:
            if f.type == "チェックボックス":  # whole-page OCR has no notion of a tick: not counted in its favour
                continue
            total += 1
            want = norm(truth["values"][f.name])
            right += any(want in line for line in lines)
    secs = time.perf_counter() - t0
    return {"right": right / max(total, 1), "ppm": len(jsons) / secs * 60}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=20)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    from robots.ocr.sample_forms import write_sample_forms

    missed = False
    print(f"OCR benchmark: {args.forms} forms per set, seed {args.seed}, tesseract jpn, 2 pages in parallel")
    with tempfile.TemporaryDirectory() as d:
        for label, degraded, target in (("clean 300 dpi", False, 0.98), ("degraded", True, 0.90)):
            folder = Path(d) / label.split()[0]
            write_sample_forms(folder, args.forms, args.seed, degraded)
            r = evaluate(folder)
            base = naive(folder)
            print(f"{label:14}: {r['pages']} pages ({r['rejected']} rejected), {r['fields']} fields: "
                  f"right {r['right']:.1%}, flagged for review {r['flagged']:.1%}, "
                  f"silent errors {r['silent']:.2%} ({r['silent_n']} of {r['wrong_n']} wrong), {r['ppm']:.1f} pages/min")
            if r["wrong_by_type"]:
                print(f"  wrong by type: {r['wrong_by_type']} (all flagged unless counted as silent above)")
            print(f"  naive whole-page OCR: finds {base['right']:.1%} of values (checkboxes not counted), "
                  f"{base['ppm']:.1f} pages/min -> accuracy {r['right'] / max(base['right'], 1e-9):.2f}x, "
                  f"speed {r['ppm'] / max(base['ppm'], 1e-9):.2f}x")
            ok_right, ok_silent = r["right"] >= target, r["silent"] < 0.01
            missed |= not (ok_right and ok_silent)
            print(f"  target right >= {target:.0%}: {'OK' if ok_right else 'MISSED'}; "
                  f"silent < 1%: {'OK' if ok_silent else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

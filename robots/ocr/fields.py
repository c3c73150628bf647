"""Reading one field: crop, clean, tesseract with settings for its type, validate, score.

Constrained fields (digits, dates, phone numbers, postal codes, amounts) are read as a single
line (``--psm 7``) with a character whitelist; dates go through the 和暦 parser; phone and postal
numbers must match their patterns. A field's confidence combines tesseract's word confidences
with its validation: a value that fails validation is never trusted, whatever tesseract says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from robots.ocr.templates import FormField

LANG_JPN = "jpn"
THRESHOLD = {"text": 0.80, "日付": 0.70, "電話番号": 0.70, "郵便番号": 0.70, "数字": 0.70, "金額": 0.70, "チェックボックス": 0.5}
_WHITELIST = {
    "電話番号": "0123456789-",
    "郵便番号": "0123456789-",
    "数字": "0123456789",
    "金額": "0123456789,",
    "日付": "令和平成昭元年月日0123456789",
}
_PHONE = re.compile(r"^0\d{1,4}-\d{1,4}-\d{3,4}$")
_POSTAL = re.compile(r"^\d{3}-\d{4}$")


@dataclass
class FieldResult:
    name: str
    type: str
    value: Any
    raw: str
    confidence: float
    valid: bool
    problem: str = ""

    @property
    def needs_review(self) -> bool:
        return not self.valid or self.confidence < THRESHOLD.get(self.type, 0.8)


def crop(page: Any, f: FormField, inset: int = 9) -> Any:
    from robots.ocr.sample_forms import H, W

    x, y, w, h = (int(f.box[0] * W), int(f.box[1] * H), int(f.box[2] * W), int(f.box[3] * H))
    return page[y + inset: y + h - inset, x + inset: x + w - inset]


def _clean(img: Any) -> Any:
    import cv2

    img = cv2.medianBlur(img, 3)
    _, bw = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.copyMakeBorder(bw, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)


def _tesseract(img: Any, lang: str, whitelist: str | None, psm: int = 7) -> tuple[str, float]:
    import pytesseract

    config = f"--psm {psm} --oem 1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    data = pytesseract.image_to_data(img, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    words = [(t, float(c)) for t, c in zip(data["text"], data["conf"]) if str(t).strip() and float(c) >= 0]
    if not words:
        return "", 0.0
    text = " ".join(t for t, _ in words)
    conf = min(c for _, c in words) / 100
    return text, conf


def read_field(page: Any, f: FormField) -> FieldResult:
    import numpy as np

    img = crop(page, f)
    if f.type == "チェックボックス":
        inner = img[6:-6, 6:-6] if min(img.shape) > 14 else img
        ink = float((inner < 128).mean()) if inner.size else 0.0
        checked = ink > 0.08
        conf = min(1.0, abs(ink - 0.08) / 0.08)
        return FieldResult(f.name, f.type, checked, f"{ink:.3f}", conf, True)
    if img.size == 0 or float((img < 128).mean()) < 0.003:
        return FieldResult(f.name, f.type, None, "", 0.0 if f.required else 1.0, not f.required, "未記入")
    # Two independent reads (different scale), like two typists: when they agree the value is
    # trusted, when they differ the field goes to a person. jpn for every field: its model reads
    # the Latin digits of Japanese fonts better than eng (eng read Noto's 7 as 1, confidently).
    reads = [_read_once(img, f.type, scale) for scale in (1.5, 1.0)]
    (v1, ok1, p1, raw1, c1), (v2, ok2, p2, raw2, c2) = reads
    if v1 == v2 and v1 not in (None, ""):
        conf = max(min(c1, c2), 0.9 if f.type != "text" else min(max(c1, c2), 0.9))
        return FieldResult(f.name, f.type, v1, raw1, conf, ok1 and ok2, p1 or p2)
    # They differ: a third read at another scale decides the value, but a person still checks it.
    v3, ok3, p3, raw3, c3 = _read_once(img, f.type, 2.0)
    for value, valid, problem, raw, _ in reads:
        if value == v3 and value not in (None, ""):
            return FieldResult(f.name, f.type, value, raw, 0.6 * min(c1, c2, c3) + 0.1, valid and ok3,
                               problem or "読み取り結果が分かれました（3回中2回一致）")
    best = max([*reads, (v3, ok3, p3, raw3, c3)], key=lambda r: (r[1], r[4]))
    value, valid, problem, raw, _ = best
    return FieldResult(f.name, f.type, value, raw, min(c1, c2, c3) * 0.5, valid, problem or "読み取り結果が一致しません")


def _read_once(img: Any, kind: str, scale: float) -> tuple[Any, bool, str, str, float]:
    import cv2
    import numpy as np

    im = cv2.resize(np.ascontiguousarray(img), None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC) if scale != 1 else img
    clean = _clean(np.ascontiguousarray(im))
    raw, conf = _tesseract(clean, LANG_JPN, _WHITELIST.get(kind), 7)
    if not raw:  # a lone character is not a "line" to tesseract: read it as a word
        raw, conf = _tesseract(clean, LANG_JPN, _WHITELIST.get(kind), 8)
    value, valid, problem = validate(kind, raw)
    return value, valid, problem, raw, conf


def validate(kind: str, raw: str) -> tuple[Any, bool, str]:
    """Normalise and check a read value: (value, valid, problem in Japanese)."""
    from robots.normalize import WarekiError, normalize_text, parse_date, parse_yen, to_wareki

    s = unicodedata.normalize("NFKC", raw).strip()
    if kind == "text":
        s = re.sub(r"\s+", "", normalize_text(s))  # tesseract jpn puts spaces between words
        return s, bool(s), "" if s else "読み取れません"
    compact = s.replace(" ", "")
    if kind == "日付":
        try:
            return to_wareki(parse_date(compact)), True, ""
        except WarekiError as exc:
            return compact, False, str(exc)
    if kind == "電話番号":
        ok = bool(_PHONE.match(compact)) and len(re.sub(r"\D", "", compact)) in (10, 11)
        return compact, ok, "" if ok else "電話番号の形ではありません"
    if kind == "郵便番号":
        ok = bool(_POSTAL.match(compact))
        return compact, ok, "" if ok else "郵便番号（NNN-NNNN）の形ではありません"
    if kind == "数字":
        ok = compact.isdigit()
        return compact, ok, "" if ok else "数字ではありません"
    if kind == "金額":
        try:
            v = parse_yen(compact)
            ok = bool(re.fullmatch(r"\d{1,3}(,\d{3})*", compact))
            return f"{v:,}", ok, "" if ok else "桁区切りが不自然です"
        except Exception:
            return compact, False, "金額として読めません"
    return s, True, ""

"""Reading the fields of an aligned page: crop, clean, read three times, vote, validate, score.

Each field is read at three text heights (like three typists): tesseract's mistakes on Japanese
(郎/朗, 萩/攻, a dropped 1 between kanji) change with the scale, so when the three reads agree
the value is trusted and when they differ the field goes to a person. Constrained fields
(digits, dates, phone and postal numbers, amounts) are read with a character whitelist; dates
go through the 和暦 parser; phone and postal numbers must match their patterns. A value that
fails validation is never trusted, whatever tesseract's own confidence says.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from robots.ocr.templates import FormField

LANG_JPN = "jpn"
HEIGHTS = (28, 32, 36)  # text line heights of the three reads (chosen on the benchmark set)
SHORT_HEIGHTS = (28, 40)  # a digit or two, read alone and binarised
CHECK_INK = 0.08  # share of dark pixels above which a checkbox is ticked
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
    """A field's value after normalisation, what tesseract saw, and whether a person must check it."""

    name: str
    type: str
    value: Any
    raw: str
    confidence: float
    valid: bool
    problem: str = ""
    threshold: float = 0.4

    @property
    def needs_review(self) -> bool:
        return not self.valid or bool(self.problem) or self.confidence < self.threshold


def crop(page: Any, f: FormField | tuple[float, float, float, float], inset: int = 9) -> Any:
    """A field's zone (or any relative box) on an aligned page, ``inset`` pixels inside the printed box."""
    hh, ww = page.shape[:2]
    bx = f.box if isinstance(f, FormField) else f
    x, y, w, h = (int(bx[0] * ww), int(bx[1] * hh), int(bx[2] * ww), int(bx[3] * hh))
    return page[y + inset: y + h - inset, x + inset: x + w - inset]


@dataclass
class _Job:
    field: FormField
    image: Any
    box: tuple[int, int, int, int]
    short: bool
    reads: list[tuple[str, float]]


def read_fields(page: Any, fields: list[FormField]) -> list[FieldResult]:
    """Read every field of an aligned page; fields of one kind share one tesseract call."""
    from robots.ocr import _prep, _tess

    results: dict[str, FieldResult] = {}
    jobs: list[_Job] = []
    for f in fields:
        img = crop(page, f)
        if f.type == "チェックボックス":
            results[f.name] = _checkbox(f, img)
            continue
        cleaned, box = _prep.clean(img)
        if box is None or box[3] < 8:
            ok = not f.required
            results[f.name] = FieldResult(f.name, f.type, None, "", 1.0 if ok else 0.0, ok,
                                          "" if ok else "未記入（必須項目）", f.limit())
            continue
        short = box[2] < 2.2 * box[3]  # one or two characters: no "line" for the column reader
        jobs.append(_Job(f, cleaned, box, short, []))
    groups: dict[tuple[str, str | None], list[_Job]] = {}
    for job in jobs:
        lang, wl = job.field.lang or LANG_JPN, job.field.whitelist or _WHITELIST.get(job.field.type)
        if job.short:
            job.reads = [_tess.read_one(_prep.fit_height(job.image, job.box, h, binarize=True), lang, wl)
                         for h in SHORT_HEIGHTS]
        else:
            groups.setdefault((lang, wl), []).append(job)
    for (lang, wl), group in groups.items():
        lines = [_prep.fit_height(j.image, j.box, h) for j in group for h in HEIGHTS]
        reads = _tess.read_lines(lines, lang, wl)
        for i, job in enumerate(group):
            job.reads = reads[i * len(HEIGHTS): (i + 1) * len(HEIGHTS)]
    for job in jobs:
        results[job.field.name] = _decide(job.field, job.reads)
    return [results[f.name] for f in fields]


def _checkbox(f: FormField, img: Any) -> FieldResult:
    """Ticked or not from the ink inside the box; near the threshold the confidence drops."""
    from robots.ocr._prep import ink_ratio

    inner = img[6:-6, 6:-6] if min(img.shape[:2]) > 14 else img
    ink = ink_ratio(inner)
    conf = min(1.0, abs(ink - CHECK_INK) / 0.06)
    return FieldResult(f.name, f.type, ink > CHECK_INK, f"{ink:.3f}", round(conf, 3), True,
                       "" if conf >= f.limit() else "チェックの有無が判別しにくい", f.limit())


def _decide(f: FormField, reads: list[tuple[str, float]]) -> FieldResult:
    """Vote over the reads; the field is trusted only when every read agrees and validates."""
    checked = [(*validate(f.type, raw, f), raw, conf) for raw, conf in reads]
    counts = Counter(str(v) for v, ok, _, raw, _ in checked if raw.strip())
    if not counts:
        return FieldResult(f.name, f.type, None, "", 0.0, False, "読み取れません", f.limit())
    winner, votes = counts.most_common(1)[0]
    if votes == 1 and len(checked) > 1:  # no two reads agree: prefer a valid one with high confidence
        value, ok, problem, raw, conf = max(checked, key=lambda c: (c[1], c[4]))
    else:
        value, ok, problem, raw, conf = next(c for c in checked if str(c[0]) == winner)
    agreeing = [c[4] for c in checked if str(c[0]) == str(value)]
    confidence = votes / len(checked) * (sum(agreeing) / len(agreeing))
    if ok and votes < len(checked):
        problem = f"読み取り結果が一致しません（{len(checked)}回中{votes}回一致）"
    if not ok:
        confidence = min(confidence, 0.3)
    return FieldResult(f.name, f.type, value, raw, round(confidence, 3), ok, problem, f.limit())


def validate(kind: str, raw: str, f: FormField | None = None) -> tuple[Any, bool, str]:
    """Normalise and check a read value: (value, valid, problem in Japanese)."""
    value, ok, problem = _typed(kind, raw)
    if not ok or f is None:
        return value, ok, problem
    if f.choices:
        best = max(f.choices, key=lambda c: difflib.SequenceMatcher(None, str(value), c).ratio())
        if difflib.SequenceMatcher(None, str(value), best).ratio() < 0.6:
            return value, False, "選択肢のどれにも当たりません"
        value = best
    if f.pattern and not re.fullmatch(f.pattern, str(value)):
        return value, False, "指定の形式（pattern）に合いません"
    digits = str(value).replace(",", "")
    if kind in ("数字", "金額") and (f.min is not None or f.max is not None):
        if not digits.isdigit():  # a choice that is not a number: the range cannot hold
            return value, False, "数字として読めません（choices と min/max を同時に使っています）"
        number = int(digits)
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            return value, False, f"範囲（{f.min if f.min is not None else ''}〜{f.max if f.max is not None else ''}）の外です"
    return value, True, ""


def _typed(kind: str, raw: str) -> tuple[Any, bool, str]:
    from robots.normalize import AmountError, WarekiError, normalize_text, parse_date, parse_yen, to_wareki

    s = unicodedata.normalize("NFKC", raw).strip()
    if kind == "text":
        s = re.sub(r"\s+", "", normalize_text(s))  # tesseract jpn puts spaces between words
        return s, bool(s), "" if s else "読み取れません"
    compact = re.sub(r"\s+", "", s)
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
        # Vote on the digits: tesseract drops or moves the thin comma (1380,000) far more often than
        # it invents a digit, and a lost digit makes the three reads disagree anyway.
        digits = compact.replace(",", "").removesuffix("円")
        if not digits.isdigit():
            return compact, False, "金額として読めません"
        try:
            return f"{parse_yen(digits):,}", True, ""
        except AmountError as exc:
            return compact, False, str(exc)
    return s, True, ""

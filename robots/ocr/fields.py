"""Reading the fields of an aligned page: crop, clean, read three times, vote, validate, score.

Each field is read at three text heights (like three typists): tesseract's mistakes on Japanese
(郎/朗, 萩/攻, a dropped 1 between kanji) change with the scale, so when the three reads agree
the value is trusted and when they differ the field goes to a person. Constrained fields
(digits, dates, phone and postal numbers, amounts) are read with a character whitelist; dates
go through the 和暦 parser and come out as dates (the written text kept as ``original``); phone
and postal numbers are read with every hyphen form (－ ー ‐ -) and must match their patterns. A value
that fails validation is never trusted, whatever tesseract's own confidence says.

Text keeps its spaces — decided by the pixels (a wide ink-free gap), not by tesseract, which
invents and drops them — written as one full-width space (``space`` in the template). A
複数行テキスト field is cut into its lines, each read and voted on, then joined in order. A
チェック群 reads each option's box (see ``_ticks``) and checks 1つ / 複数; the text field its
その他 opens is required only when that option is ticked.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kyodo.robots.normalize import AmountError, WarekiError, normalize_text, parse_date, parse_yen
from kyodo.robots.ocr import _prep, _tess
from kyodo.robots.ocr._tess import Read
from kyodo.robots.ocr._ticks import decide, tick_ink
from kyodo.robots.ocr.templates import FormField

LANG_JPN = "jpn"
HEIGHTS = (28, 32, 36)  # text line heights of the three reads (chosen on the benchmark set)
SHORT_HEIGHTS = (28, 40)  # a digit or two, read alone and binarised
SPACE_GAP = 0.85  # an ink-free run wider than this share of the line height is a space (full-width: ~1.2; １２: 0.7)
NOISY = 0.08  # share of grey paper pixels above which a crop is read in black and white
HYPHENS = "-－ー‐−–—一"  # 一 (the kanji "one") is how tesseract sees a full-width dash: allowed, then turned into -
_WHITELIST = {
    "電話番号": "0123456789" + HYPHENS,
    "郵便番号": "0123456789" + HYPHENS,
    "数字": "0123456789",
    "金額": "0123456789,、，.",  # tesseract sees a comma as 、 (then confidence 0 when 、 is not allowed)
    "日付": "令和平成昭元年月日0123456789",
}
_TO_HYPHEN = str.maketrans({c: "-" for c in HYPHENS})
_PHONE = re.compile(r"^0\d{1,4}-\d{1,4}-\d{3,4}$")
_POSTAL = re.compile(r"^\d{3}-\d{4}$")
SPACED = ("text", "氏名", "住所", "複数行テキスト")
GAP_NOISE = {"。", "、", "・", ".", ",", "'", "`", "-", "_", "|", ")", "(", "]", "[", "）", "（"}


@dataclass
class FieldResult:
    """A field's value after normalisation, what tesseract saw, and whether a person must check it.

    ``original`` keeps what was written when the value is converted (a 和暦 date read as an ISO date).
    """

    name: str
    type: str
    value: Any
    raw: str
    confidence: float
    valid: bool
    problem: str = ""
    threshold: float = 0.4
    original: str | None = None

    @property
    def needs_review(self) -> bool:
        return not self.valid or bool(self.problem) or self.confidence < self.threshold


def crop(page: Any, f: FormField | tuple[float, float, float, float], inset: int = 9, margin: float = 0.0) -> Any:
    """A field's zone on an aligned page, ``inset`` pixels inside the box (or ``margin`` of its height around it)."""
    hh, ww = page.shape[:2]
    bx = f.zone if isinstance(f, FormField) else f
    x, y, w, h = (int(bx[0] * ww), int(bx[1] * hh), int(bx[2] * ww), int(bx[3] * hh))
    if margin:
        m = int(margin * max(h, 40))
        return page[max(y - m, 0): y + h + m, max(x - m, 0): x + w + m]
    return page[y + inset: y + h - inset, x + inset: x + w - inset]


@dataclass
class _Job:
    field: FormField
    image: Any
    lines: list[tuple[int, int, int, int]]  # ink box of each text line
    short: bool
    reads: list[list[Read]]  # per line, the reads at each height
    noisy: bool = False  # a bad scan's grey noise turns katakana into kanji (スズキ → 災災北光); black and white does not


def read_fields(page: Any, fields: list[FormField], linked: dict[str, tuple[str, str]] | None = None) -> list[FieldResult]:
    """Read every field of an aligned page; fields of one kind share one tesseract call.

    ``linked`` names text fields that a group's option opens ({field: (group, option)}): such a
    field is required only when its option is ticked, and written without a tick is a doubt.
    """
    linked = linked or {}
    results: dict[str, FieldResult] = {}
    jobs: list[_Job] = []
    for f in fields:
        if f.type in ("チェックボックス", "チェック群"):
            results[f.name] = _checkbox(f, page) if f.type == "チェックボックス" else _group(f, page)
    for f in fields:
        if f.type in ("チェックボックス", "チェック群"):
            continue
        opened = _opened(linked.get(f.name), results)
        required = f.required if opened is None else opened
        cleaned, box = _prep.clean(crop(page, f))
        if box is None or box[3] < 8:
            ok = not required
            results[f.name] = FieldResult(f.name, f.type, None, "", 1.0 if ok else 0.0, ok,
                                          "" if ok else _missing(linked.get(f.name)), f.limit())
            continue
        lines = _prep.text_lines(cleaned, box) if f.type == "複数行テキスト" else [box]
        short = len(lines) == 1 and box[2] < 2.2 * box[3]  # one or two characters: no "line" for the column reader
        jobs.append(_Job(f, cleaned, lines, short, [], _prep.paper_noise(cleaned) > NOISY))
        if opened is False:
            results[f.name] = FieldResult(f.name, f.type, None, "", 0.0, True, "", f.limit())  # replaced below
    _read_jobs(jobs)
    for job in jobs:
        r = _decide(job.field, job.reads)
        if _opened(linked.get(job.field.name), results) is False:
            group, label = linked[job.field.name]
            r.problem = r.problem or f"「{group}」の「{label}」にチェックがないのに記入があります"
        results[job.field.name] = r
    return [results[f.name] for f in fields]


def _opened(link: tuple[str, str] | None, results: dict[str, FieldResult]) -> bool | None:
    """Whether the option that opens a linked field is ticked (None: not linked, or the group is in doubt)."""
    if link is None or link[0] not in results:
        return None
    group = results[link[0]]
    ticked = str(group.value or "").split("、")
    return link[1] in ticked


def _missing(link: tuple[str, str] | None) -> str:
    return f"「{link[0]}」で「{link[1]}」にチェックがありますが、内容が未記入です" if link else "未記入（必須項目）"


def _read_jobs(jobs: list[_Job]) -> None:
    """Every line of every job read at each height; lines of one kind go in one tesseract call."""
    groups: dict[tuple[str, str | None], list[_Job]] = {}
    for job in jobs:
        lang, wl = job.field.lang or LANG_JPN, job.field.whitelist or _WHITELIST.get(job.field.type)
        if job.short:
            reads = [_tess.read_one(_prep.fit_height(job.image, job.lines[0], h, binarize=True), lang, wl)
                     for h in SHORT_HEIGHTS]
            job.reads = [[r._replace(text="".join(w.text for w in r.words)) for r in reads]]
        else:
            groups.setdefault((lang, wl), []).append(job)
    for (lang, wl), group in groups.items():
        images = [(job, i, h, _fitted(job, line, h)) for job in group for i, line in enumerate(job.lines) for h in HEIGHTS]
        reads = _tess.read_lines([im for *_, im in images], lang, wl)
        for job in group:
            job.reads = [[] for _ in job.lines]
        for (job, i, h, im), read in zip(images, reads):
            if job.field.type in SPACED:
                read = _spaced(read, im, h)
            elif job.field.type in ("電話番号", "郵便番号", "日付", "金額"):
                read = _digits_conf(read)
            job.reads[i].append(read)


def _fitted(job: _Job, line: tuple[int, int, int, int], height: int) -> Any:
    """A line scaled for tesseract (black and white when the scan is noisy); numbers without their spacing."""
    img = _prep.fit_height(job.image, line, height, binarize=job.noisy)
    return img if job.field.type in SPACED or job.field.type == "金額" else _prep.squeeze(img, max(4, height // 5))


def _digits_conf(read: Read) -> Read:
    """Confidence from the words holding digits: a dash's or 年's place is checked by the pattern anyway."""
    digits = [w.conf for w in read.words if any(c.isdigit() for c in w.text)]
    return read._replace(conf=min(digits) / 100) if digits else read


def _spaced(read: Read, line: Any, height: int) -> Read:
    """The read with a full-width space wherever the line has a wide ink-free gap, and nowhere else.

    tesseract's ``jpn`` puts spaces between words at random and drops real ones (山田 花子 came out
    as 山田花子), so spaces are decided by the pixels: each character goes to the side of the gap
    its LEFT edge is on. (tesseract's LSTM boxes often lag by up to a character — 号's box can sit
    over the space after it — but a character's left edge never passes the middle of a real
    space.) Punctuation that tesseract reads inside a gap (an empty space read as 。) is dropped.
    """
    gaps = _prep.wide_gaps(line, SPACE_GAP * height)
    parts: list[list[str]] = [[] for _ in range(len(gaps) + 1)]
    for w in read.words:
        if w.text in GAP_NOISE and any(a - 2 <= w.left and w.right <= b + 2 for a, b in gaps):
            continue
        step = (w.right - w.left) / max(len(w.text), 1)
        for i, char in enumerate(w.text):
            x = w.left + i * step
            if char in GAP_NOISE and any(a - step <= x <= b for a, b in gaps):
                continue  # 。 read in an empty space
            parts[sum(x > (a + b) / 2 for a, b in gaps)].append(char)
    words = ["".join(p) for p in parts]
    last = len(words) - 1
    for i in range(len(words)):  # 。 or ) read at the edge of a space is the space itself
        if i > 0:
            words[i] = words[i].lstrip("".join(GAP_NOISE))
        if i < last:
            words[i] = words[i].rstrip("".join(GAP_NOISE))
    text = "\u3000".join(w for w in words if w)
    return Read(text, read.conf, read.words)


def _checkbox(f: FormField, page: Any) -> FieldResult:
    """Ticked or not from the ink inside the printed square; near the threshold the confidence drops."""
    ink = tick_ink(page, f.zone)
    ticked, conf = decide(ink)
    return FieldResult(f.name, f.type, ticked, f"{ink:.3f}", conf, True,
                       "" if conf >= f.limit() else "チェックの有無が判別しにくい", f.limit())


def _group(f: FormField, page: Any) -> FieldResult:
    """The ticked option(s) of a チェック群, checked against 1つ / 複数 and required."""
    inks = [(o.label, tick_ink(page, o.box)) for o in f.options or []]
    marks = [(label, *decide(ink)) for label, ink in inks]
    ticked = [label for label, on, _ in marks if on]
    conf = min(c for _, _, c in marks)
    raw = " ".join(f"{label}:{ink:.2f}" for label, ink in inks)
    problem = ""
    if conf < f.limit():
        unsure = [label for label, _, c in marks if c < f.limit()]
        problem = f"チェックの有無が判別しにくい（{'、'.join(unsure)}）"
    elif f.select == "1つ" and len(ticked) > 1:
        problem = f"1つだけ選ぶ欄に {len(ticked)} つチェックがあります（{'、'.join(ticked)}）"
    elif not ticked and f.required:
        problem = "どれにもチェックがありません（必須項目）"
    value = "、".join(ticked) or None
    return FieldResult(f.name, f.type, value, raw, conf, not problem.startswith("1つだけ"), problem, f.limit())


def _decide(f: FormField, per_line: list[list[Read]]) -> FieldResult:
    """Vote line by line; a multi-line field is its lines joined in order, then checked as a whole."""
    if len(per_line) == 1:
        return _vote(f, per_line[0], f)
    parts = [_vote(f, reads, None) for reads in per_line]
    joined = f.join.join(str(p.value) for p in parts if p.value)
    value, ok, problem = validate(f.type, joined, f)
    problem = next((p.problem for p in parts if p.problem), "") or problem
    confidence = min(p.confidence for p in parts) if ok else min(min(p.confidence for p in parts), 0.3)
    return FieldResult(f.name, f.type, value, " / ".join(p.raw for p in parts), round(confidence, 3),
                       ok and all(p.valid for p in parts), problem, f.limit())


def _vote(f: FormField, reads: list[Read], check: FormField | None) -> FieldResult:
    """Vote over the reads; the field is trusted only when every read agrees and validates."""
    checked = [(*validate(f.type, r.text, check), r.text, r.conf) for r in reads]
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
    original = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)) if f.type == "日付" else None
    return FieldResult(f.name, f.type, value, raw, round(confidence, 3), ok, problem, f.limit(), original)


def validate(kind: str, raw: str, f: FormField | None = None) -> tuple[Any, bool, str]:
    """Normalise and check a read value: (value, valid, problem in Japanese)."""
    value, ok, problem = _typed(kind, raw)
    if kind in SPACED and f is not None and isinstance(value, str):
        value = value.replace("\u3000", f.space)
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
    if kind in SPACED:  # words as read, separated by the spaces found in the pixels (see _spaced)
        parts = [re.sub(r"\s+", "", normalize_text(p)) for p in re.split(r"[\s\u3000]+", raw)]
        s = "\u3000".join(p for p in parts if p)
        return s, bool(s), "" if s else "読み取れません"
    s = unicodedata.normalize("NFKC", raw).strip()
    compact = re.sub(r"\s+", "", s)
    if kind in ("電話番号", "郵便番号"):
        compact = compact.translate(_TO_HYPHEN)
    if kind == "日付":
        try:
            return parse_date(compact), True, ""
        except WarekiError as exc:
            return compact, False, str(exc)
    if kind == "電話番号":
        ok = bool(_PHONE.match(compact)) and len(re.sub(r"\D", "", compact)) in (10, 11)
        return compact, ok, "" if ok else "電話番号の形ではありません"
    if kind == "郵便番号":
        if re.fullmatch(r"\d{7}", compact):  # the hyphen's place is fixed: a dropped one is no doubt
            compact = f"{compact[:3]}-{compact[3:]}"
        ok = bool(_POSTAL.match(compact))
        return compact, ok, "" if ok else "郵便番号（NNN-NNNN）の形ではありません"
    if kind == "数字":
        ok = compact.isdigit()
        return compact, ok, "" if ok else "数字ではありません"
    if kind == "金額":
        # Vote on the digits: tesseract drops or moves the thin comma (1380,000) far more often than
        # it invents a digit, and a lost digit makes the three reads disagree anyway.
        digits = re.sub(r"[,、，.]", "", compact).removesuffix("円")
        if not digits.isdigit():
            return compact, False, "金額として読めません"
        try:
            return f"{parse_yen(digits):,}", True, ""
        except AmountError as exc:
            return compact, False, str(exc)
    return s, True, ""

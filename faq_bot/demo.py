"""Demo FAQ sets: the shared generic FAQ as the prefecture set, filled in per municipality."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from faq_bot.data import FaqEntry, parse_records

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "kosodate_faq.json"
_PLACEHOLDER_URL = re.compile(r"（自治体HP内関連ページのURL）")


@lru_cache(maxsize=1)
def corpus_records() -> tuple[dict, ...]:
    return tuple(json.loads(CORPUS.read_text(encoding="utf-8")))


def generic_corpus() -> list[FaqEntry]:
    """The 661 generic FAQs as they are (development corpus)."""
    return parse_records([dict(r) for r in corpus_records()], CORPUS.name)


def prefecture_set(pref_name: str = "山口県") -> list[FaqEntry]:
    """The prefecture's shared set: placeholders in neutral wording."""
    return [_fill(e, "お住まいの市町", pref_name, "") for e in generic_corpus()]


def municipality_set(code: str, name: str, pref_name: str = "山口県") -> list[FaqEntry]:
    """A municipality's own entries: those that mention ○○市, with its name and pages filled in."""
    out = []
    for e in generic_corpus():
        if "○○" in e.question or "○○" in e.answer or "（自治体HP内関連ページのURL）" in e.answer:
            out.append(_fill(e, name, pref_name, code))
    return out


def _fill(e: FaqEntry, name: str, pref: str, code: str) -> FaqEntry:
    url = f"https://www.example.lg.jp/{code or 'pref'}/faq/{e.id}"

    def sub(s: str) -> str:
        s = s.replace("○○市", name).replace("○○", name).replace("●●県", pref)
        return _PLACEHOLDER_URL.sub(url, s)

    return FaqEntry(id=e.id, question=sub(e.question), answer=sub(e.answer), category=e.category,
                    department=e.department, phone=e.phone, url=url, municipality=code, alternatives=e.alternatives)

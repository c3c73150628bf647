"""Demo FAQ sets: the shared generic FAQ, filled in per municipality with fictional values."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from kyodo.faq_bot.data import FaqEntry, parse_records
from kyodo.faq_bot.localize import demo_values, localize, office_for
from kyodo.faq_bot.offices import demo_directory

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "kosodate_faq.json"


@lru_cache(maxsize=1)
def corpus_records() -> tuple[dict, ...]:
    return tuple(json.loads(CORPUS.read_text(encoding="utf-8")))


def generic_corpus() -> list[FaqEntry]:
    """The 661 generic FAQs as they are, placeholders included (development corpus)."""
    return parse_records([dict(r) for r in corpus_records()], CORPUS.name)


def municipality_set(code: str, name: str, pref_name: str = "山口県") -> list[FaqEntry]:
    """The demo municipality's FAQ: every placeholder filled, each entry with its office."""
    directory = demo_directory(code, name)
    entries = []
    for e in generic_corpus():
        office = office_for(e, directory)
        entries.append(replace(e, department=office.name, phone=office.phone, municipality=code,
                               url=f"https://www.example.lg.jp/{code}/faq/{e.id}"))
    shown, _ = localize(entries, demo_values(entries, name, pref_name, code, directory))
    return shown

"""Turning a resident's question into a reply: answer, or an honest "not sure" with the right office.

Greetings, empty input, symbols-only input and abusive words get a friendly fixed reply; a
question is cut at 500 characters. The office shown is the one for the topic (the answer's
担当課, or the office most of the best candidates belong to), never the DX office by default.
Nothing here raises for bad input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kyodo.faq_bot.messages import Lang, detect, text
from kyodo.faq_bot.offices import OfficeDirectory, OfficeInfo
from kyodo.faq_bot.retriever import Retriever

MAX_QUESTION = 500
NOT_SURE = "確かな回答が見つかりませんでした。"
_GREETING = re.compile(r"^(こんにちは|こんばんは|おはよう(ございます)?|はじめまして|ありがとう(ございます|ございました)?|どうも|よろしく(お願いします)?|hello|hi|thanks?( you)?)[!！。.〜ー]*$", re.IGNORECASE)
_ABUSE = ("ばか", "バカ", "馬鹿", "死ね", "しね", "クズ", "うざい", "役立たず")


class Kind(str, Enum):
    ANSWER = "answer"
    NOT_SURE = "not_sure"
    GREETING = "greeting"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    ABUSIVE = "abusive"


@dataclass
class Office:
    """A single contact (kept for callers that have no directory)."""

    name: str
    phone: str = ""


@dataclass
class Reply:
    kind: str
    message: str
    answer: dict[str, Any] | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    contact: dict[str, str] | None = None
    lang: str = Lang.JA.value

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "answer": self.answer, "suggestions": self.suggestions,
                "confidence": round(self.confidence, 3), "contact": self.contact, "lang": self.lang}


def _meaningful(s: str) -> bool:
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in s)


def _directory(offices: OfficeDirectory | Office) -> OfficeDirectory:
    return offices if isinstance(offices, OfficeDirectory) else OfficeDirectory(OfficeInfo(offices.name, offices.phone), [])


def reply(retriever: Retriever, question: str, offices: OfficeDirectory | Office, lang: str | None = None) -> Reply:
    """The reply for ``question`` (never raises for odd input)."""
    directory = _directory(offices)
    q = unicodedata.normalize("NFKC", question or "").strip()[:MAX_QUESTION]
    lg = detect(q, lang)
    general = directory.general.contact()
    if not q:
        return Reply(Kind.EMPTY.value, text("empty", lg), lang=lg.value)
    if not _meaningful(q):
        return Reply(Kind.UNREADABLE.value, text("unreadable", lg), lang=lg.value)
    if _GREETING.match(q):
        return Reply(Kind.GREETING.value, text("greeting", lg), lang=lg.value)
    if any(w in q for w in _ABUSE):
        return Reply(Kind.ABUSIVE.value, text("abusive", lg), contact=general, lang=lg.value)
    hits, conf = retriever.search(q, 4)
    if not hits:
        return Reply(Kind.NOT_SURE.value, text("not_found", lg), contact=general, lang=lg.value)
    top = hits[0].entry
    if conf >= retriever.model.threshold:
        office = directory.by_name(top.department) if top.department else None
        office = office or (OfficeInfo(top.department, top.phone) if top.department else None)
        office = office or directory.for_category(top.category) or directory.general
        note = text("answer_note", lg)
        return Reply(Kind.ANSWER.value, (note + "\n\n" if note else "") + top.answer, answer=top.public(), confidence=conf,
                     suggestions=[h.entry.public() for h in hits[1:4]], contact=office.contact(), lang=lg.value)
    office = directory.for_categories([h.entry.category for h in hits[:3]])
    return Reply(Kind.NOT_SURE.value, text("not_sure", lg), suggestions=[h.entry.public() for h in hits[:3]],
                 confidence=conf, contact=office.contact(), lang=lg.value)

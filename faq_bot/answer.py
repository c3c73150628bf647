"""Turning a resident's question into a reply: answer, or an honest "not sure" with a contact.

Greetings, empty input, symbols-only input and abusive words get a friendly fixed reply; a
question is cut at 500 characters. Nothing here raises for bad input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from faq_bot.retriever import Retriever

MAX_QUESTION = 500
NOT_SURE = "確かな回答が見つかりませんでした。"
_GREETING = re.compile(r"^(こんにちは|こんばんは|おはよう(ございます)?|はじめまして|ありがとう(ございます|ございました)?|どうも|よろしく(お願いします)?|hello|hi)[!！。.〜ー]*$", re.I)
_ABUSE = ("ばか", "バカ", "馬鹿", "死ね", "しね", "クズ", "うざい", "役立たず")


@dataclass
class Office:
    name: str
    phone: str = ""


@dataclass
class Reply:
    kind: str  # answer | not_sure | greeting | empty | unreadable | abusive
    message: str
    answer: dict[str, Any] | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    contact: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "answer": self.answer, "suggestions": self.suggestions,
                "confidence": round(self.confidence, 3), "contact": self.contact}


def _meaningful(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def reply(retriever: Retriever, question: str, office: Office) -> Reply:
    """The reply for ``question`` (never raises for odd input)."""
    q = unicodedata.normalize("NFKC", question or "").strip()[:MAX_QUESTION]
    contact = {"office": office.name, "phone": office.phone}
    if not q:
        return Reply("empty", "ご質問を入力してください。例：「児童手当の申請方法を教えてください」")
    if not _meaningful(q):
        return Reply("unreadable", "ご質問の内容を読み取れませんでした。文章で入力してください。")
    if _GREETING.match(q):
        return Reply("greeting", "こんにちは。子育て・手続き・施設などについて、ご質問をどうぞ。")
    if any(w in q for w in _ABUSE):
        return Reply("abusive", "ご不便をおかけしています。ご意見は下記の窓口でも承ります。", contact=contact)
    hits, conf = retriever.search(q, 4)
    if not hits:
        return Reply("not_sure", NOT_SURE + "下記の窓口へお問い合わせください。", contact=contact)
    top = hits[0].entry
    if conf >= retriever.model.threshold:
        ans = top.public()
        dept_contact = {"office": top.department or office.name, "phone": top.phone or office.phone}
        return Reply("answer", top.answer, answer=ans, confidence=conf,
                     suggestions=[h.entry.public() for h in hits[1:4]], contact=dept_contact)
    return Reply("not_sure", NOT_SURE + "次の質問が近いかもしれません。解決しない場合は下記の窓口へお問い合わせください。",
                 suggestions=[h.entry.public() for h in hits[:3]], confidence=conf, contact=contact)

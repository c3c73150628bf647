"""Masking a resident's question before it is stored: names, addresses and every number.

On top of the shared masks (マイナンバー with a valid check digit, phones, e-mail, postal
codes): person names Sudachi tags 固有名詞・人名, addresses written with 丁目/番地/番/号 or
hyphenated lot numbers, and any run of 4+ digits (a 12-digit number with a wrong check digit
is still somebody's number).
"""

from __future__ import annotations

import re
import unicodedata

from kyodo.core.privacy import mask_text
from kyodo.faq_bot._text import person_names

NAME, ADDRESS, NUMBER = "[氏名]", "[住所]", "[番号]"
_PLACE = r"[一-龥ぁ-んァ-ヶー]{0,12}?"
_ADDRESS = re.compile(
    _PLACE + r"[0-9０-９一二三四五六七八九十]+(?:丁目|番地|番|号|-|－|ー|の)"
             r"(?:[0-9０-９一二三四五六七八九十]+(?:番地|番|号|-|－|ー|の)?)*")
_NUMBER = re.compile(r"\d[\d\- ]{2,}\d")


def mask_question(text: str) -> str:
    """``text`` safe to store: names, addresses and numbers replaced by markers."""
    s = unicodedata.normalize("NFKC", text or "")
    spans = person_names(s)
    for a, b in reversed(spans):
        s = s[:a] + NAME + s[b:]
    s = mask_text(s)
    s = _ADDRESS.sub(ADDRESS, s)
    return _NUMBER.sub(NUMBER, s)

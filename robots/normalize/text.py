"""Text normalisation for Japanese business data: NFKC, with the known exceptions on purpose.

NFKC alone is almost right: it folds full-width digits and letters to ASCII and half-width
kana to full-width. Its surprises are the dash and tilde family: ``−`` (U+2212), ``‐`` (U+2010),
``－`` (U+FF0D) all mean a hyphen/minus in 住所 and 電話番号 and are folded to ``-``; while the
wave dash ``〜`` and the full-width tilde ``～`` mean a range (4月〜6月) and are kept as ``〜``
instead of becoming an ASCII ``~``. The long vowel mark ``ー`` is kept, except between digits,
where it is a mis-typed hyphen (``083ー922ー1111``).
"""

from __future__ import annotations

import re
import unicodedata

_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\uff0d\u2043\ufe63"), "-")
_TILDES = dict.fromkeys(map(ord, "\uff5e\u301c"), "\u301c")
_SPACES = re.compile(r"[ \u3000\t]+")
_DIGIT_CHOON = re.compile(r"(?<=\d)[ーｰ](?=\d)")


def normalize_text(value: object, *, collapse_spaces: bool = True) -> str:
    """NFKC-normalised, trimmed text with hyphens unified and range tildes kept as 〜."""
    if value is None:
        return ""
    s = str(value).translate(_TILDES)
    s = unicodedata.normalize("NFKC", s).translate(_HYPHENS)
    s = _DIGIT_CHOON.sub("-", s)
    if collapse_spaces:
        s = _SPACES.sub(" ", s)
    return s.strip()


def to_halfwidth_kana(value: str) -> str:
    """Full-width katakana to half-width (what 全銀 files and bank systems expect)."""
    import jaconv

    return jaconv.z2h(value, kana=True, ascii=False, digit=False)


def to_fullwidth_kana(value: str) -> str:
    """Half-width katakana (ｶﾀｶﾅ) to full-width (カタカナ), leaving ASCII alone."""
    import jaconv

    return jaconv.h2z(value, kana=True, ascii=False, digit=False)


def digits_only(value: object) -> str:
    """Just the digits of ``value`` after normalisation (for codes and numbers)."""
    return re.sub(r"\D", "", normalize_text(value))

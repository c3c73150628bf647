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
from typing import Any

import jaconv

_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\uff0d\u2043\ufe63"), "-")
_TILDES = dict.fromkeys(map(ord, "\uff5e\u301c"), "\u301c")
_SPACES = re.compile(r"[ \u3000\t]+")
_DIGIT_CHOON = re.compile(r"(?<=\d)[ーｰ](?=\d)")
_WHITESPACE = re.compile(r"\s+")

# The steps of normalize_text, in order; kyodo.robots.normalize.frame.normalize_series runs the same list on a whole column.
# (operation, argument, replacement): "translate" a table, "nfkc", or "sub" a pattern.
_STEPS: tuple[tuple[str, Any, str], ...] = (
    ("translate", _TILDES, ""),  # before NFKC, which would turn ～ into an ASCII ~
    ("nfkc", None, ""),
    ("translate", _HYPHENS, ""),
    ("sub", _DIGIT_CHOON, "-"),
)
_COLLAPSE = ("sub", _SPACES, " ")


def text_steps(collapse_spaces: bool) -> tuple[tuple[str, Any, str], ...]:
    """The steps of :func:`normalize_text`, for a vectorised version (``kyodo.robots.normalize.normalize_series``)."""
    return (*_STEPS, _COLLAPSE) if collapse_spaces else _STEPS


def normalize_text(value: object, *, collapse_spaces: bool = True) -> str:
    """NFKC-normalised, trimmed text with hyphens unified and range tildes kept as 〜."""
    if value is None:
        return ""
    s = str(value)
    for op, arg, repl in text_steps(collapse_spaces):
        if op == "translate":
            s = s.translate(arg)
        elif op == "nfkc":
            s = unicodedata.normalize("NFKC", s)
        else:
            s = arg.sub(repl, s)
    return s.strip()


def normalize_header(value: object) -> str:
    """A column name as the readers compare it: :func:`normalize_text` with no spaces or line breaks inside.

    ``期　別``, ``期 別`` and ``期別`` are one name, ``宛名－番号`` is ``宛名-番号``; blank is ``""``.
    Excel ledgers (``workbook.read_ledger``) and CSV files (``excel.read_csv``) both use it, for the
    file's headers and for ``rename`` / ``required_columns`` alike.
    """
    return _WHITESPACE.sub("", normalize_text(value))


def to_halfwidth_kana(value: str) -> str:
    """Full-width katakana to half-width (what 全銀 files and bank systems expect)."""
    return jaconv.z2h(value, kana=True, ascii=False, digit=False)


def to_fullwidth_kana(value: str) -> str:
    """Half-width katakana (ｶﾀｶﾅ) to full-width (カタカナ), leaving ASCII alone."""
    return jaconv.h2z(value, kana=True, ascii=False, digit=False)


def digits_only(value: object) -> str:
    """Just the digits of ``value`` after normalisation (for codes and numbers)."""
    return re.sub(r"\D", "", normalize_text(value))

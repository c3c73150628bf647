"""年度 (fiscal year) as ledgers write it: ``令和6年度``, ``R6``, ``H31年度``, ``2024年度``, ``2024`` → 2024.

Ledgers name the 年度 in 和暦 far more often than dates; a key built from it must be the
Western year the bank reference carries. Unlike :func:`kyodo.robots.normalize.fiscal_year` (which
takes a *date*), this reads a *year label*.
"""

from __future__ import annotations

import re

from kyodo.core.text import normalize_text
from kyodo.robots.normalize.wareki import ERAS, WarekiError

_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS} | {e.name[0]: e for e in ERAS}
_NENDO_RE = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTMrhstm令平昭大明])\s*(元|\d{1,2})\s*(?:年度?)?$")
_SEIREKI_RE = re.compile(r"^(\d{4})\s*(?:年度?)?$")


def parse_nendo(value: object) -> int:
    """The Western year of a 年度 label; raises :class:`WarekiError` (Japanese message) when it is not one.

    ``令和元年度`` → 2019, ``H31`` → 2019, ``R06年度`` → 2024, ``2024.0`` (an Excel number) → 2024.
    A year past the era's end (``平成32年度``) is refused: such a label is a typing error.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = normalize_text(value)
    if m := _SEIREKI_RE.match(s):
        year = int(m.group(1))
        if 1868 <= year <= 2200:
            return year
    elif m := _NENDO_RE.match(s):
        era = _BY_KEY[m.group(1).upper() if len(m.group(1)) == 1 and m.group(1).isascii() else m.group(1)]
        n = 1 if m.group(2) == "元" else int(m.group(2))
        year = era.start.year + n - 1
        if n >= 1 and (era.end is None or year <= era.end.year):
            return year
        raise WarekiError(f"「{s}」は{era.name}にない年度です（{era.name}は{era.end.year - era.start.year + 1 if era.end else '-'}年まで）。")
    raise WarekiError(f"「{s}」を年度として読めません（例: 令和6年度、R6、2024）。")

"""Yen amounts as written in Japanese documents: ¥1,234 / 1,234円 / △500 / ▲500 / (500) / １，２３４."""

from __future__ import annotations

import re

from kyodo.core.text import normalize_text

_NEG_MARKS = ("△", "▲", "-")
_CLEAN = re.compile(r"[¥￥\\,，円\s]|JPY", re.IGNORECASE)


class AmountError(ValueError):
    """A value that is not a yen amount (Japanese message)."""


def parse_yen(value: object) -> int:
    """Integer yen from any common notation; 三角 (△/▲) and parentheses mean negative."""
    if isinstance(value, bool):
        raise AmountError(f"「{value}」は金額ではありません")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value != int(value):
            raise AmountError(f"「{value}」は円単位の金額ではありません")
        return int(value)
    raw = str(value) if value is not None else ""
    s = normalize_text(raw.replace("△", "△").replace("▲", "▲"))
    neg = False
    if s.startswith(_NEG_MARKS):
        neg, s = True, s[1:]
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    s = _CLEAN.sub("", s)
    if s.endswith(".0"):
        s = s[:-2]
    if not s.isdigit():
        raise AmountError(f"「{raw}」を金額として読めません（例: 1,234円, ¥1,234, △500）")
    return -int(s) if neg else int(s)

"""Masking many literal values (names, addresses, secrets) at once, fast.

An Aho-Corasick automaton (Rust, ``ahocorasick-rs``) finds every value in one pass over the
text, whatever the number of values: a run may register tens of thousands of residents' names
and addresses, and a single regex alternation of that size is three orders of magnitude slower
(see bench/bench_masking.py). Values registered after the automaton was built go to a
second, small automaton first, and the big one is rebuilt only when the small one grows to a
quarter of it, so registering values in many small batches stays cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import ahocorasick_rs as ac

MIN_LEN = 2
_SMALL = 64


def _normal(items: Iterable[Any], min_len: int) -> set[str]:
    out = set()
    for v in items:
        if v is None:
            continue
        s = str(v).strip()
        if len(s) >= min_len:
            out.add(s)
    return out


def _automaton(values: Iterable[str]) -> Any:
    return ac.AhoCorasick(list(values))


def _mask_spans(text: str, spans: list[tuple[int, int]], marker: str) -> str:
    """Replace the union of ``spans`` (overlapping ones merged: nothing half-masked)."""
    spans.sort()
    parts: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:  # overlaps the previous match: extend it
            if end > last:
                last = end
            continue
        parts += (text[last:start], marker)
        last = end
    parts.append(text[last:])
    return "".join(parts)
class ValueSet:
    """A growing set of literal strings that can replace all their occurrences in a text."""

    def __init__(self, marker: str, min_len: int = MIN_LEN) -> None:
        self.marker, self.min_len = marker, min_len
        self.values: set[str] = set()
        self._lock = threading.Lock()
        self._big: Any = None  # automaton over most values
        self._big_size = 0
        self._pending: list[str] = []  # values added since, matched by a small automaton
        self._small: Any = None
        self._small_stale = False

    def __len__(self) -> int:
        return len(self.values)

    def add(self, items: Iterable[Any]) -> None:
        new = _normal(items, self.min_len) - self.values
        if not new:
            return
        with self._lock:
            self.values |= new
            self._pending.extend(new)
            if len(self._pending) > max(_SMALL, self._big_size // 4):
                self._big, self._big_size = _automaton(self.values), len(self.values)
                self._pending, self._small, self._small_stale = [], None, False
            else:
                self._small_stale = True

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where registered values occur in ``text`` (start, end), overlapping matches included."""
        if not self.values or not text:
            return []
        with self._lock:
            if self._small_stale:
                self._small, self._small_stale = _automaton(self._pending), False
            big, small = self._big, self._small
        return [(start, end) for automaton in (big, small) if automaton is not None
                for _, start, end in automaton.find_matches_as_indexes(text, overlapping=True)]

    def sub(self, text: str) -> str:
        """``text`` with every registered value replaced by the marker (overlapping matches merged)."""
        spans = self.spans(text)
        return _mask_spans(text, spans, self.marker) if spans else text

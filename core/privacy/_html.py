"""Masking inside HTML page dumps, whatever escaping the browser chose.

A browser serialises ``Pass"word'2026`` as ``value="Pass&quot;word'2026"`` in an attribute,
as ``Pass"word'2026`` in text, and a page may write ``&#39;``, ``&#x27;``, ``&apos;`` or
``&#12354;`` for any character. Listing escaped variants of each secret can never be complete,
so the dump is decoded once, with a map from each decoded character back to the bytes it came
from; secrets and personal values are searched in the decoded text and the original bytes
behind each match are replaced. Nothing needs to know which escaping was used. No-break and
全角 spaces count as spaces (names are registered with " ").
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable

from kyodo.core.privacy._values import ValueSet

_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")


class _Map:
    """Decoded positions back to source spans: one record per literal run or reference (bisect)."""

    def __init__(self) -> None:
        self.dec: list[int] = []  # decoded start of each segment
        self.src: list[tuple[int, int | None]] = []  # (source start, source end of a reference or None)

    def start(self, i: int) -> int:
        k = bisect.bisect_right(self.dec, i) - 1
        src, ref_end = self.src[k]
        return src if ref_end is not None else src + (i - self.dec[k])

    def end(self, i: int) -> int:
        """Source end of decoded character ``i``."""
        k = bisect.bisect_right(self.dec, i) - 1
        src, ref_end = self.src[k]
        return ref_end if ref_end is not None else src + (i - self.dec[k]) + 1


def decode_with_map(text: str) -> tuple[str, _Map]:
    """``text`` with character references decoded, and a map from decoded positions to the source."""
    out: list[str] = []
    pos = n = 0
    where = _Map()
    for m in _ENTITY.finditer(text):
        decoded = html.unescape(m.group(0))
        if decoded == m.group(0):  # not a known reference: stays part of the literal run
            continue
        if m.start() > pos:
            where.dec.append(n)
            where.src.append((pos, None))
            out.append(text[pos:m.start()])
            n += m.start() - pos
        where.dec.append(n)
        where.src.append((m.start(), m.end()))
        out.append(decoded)
        n += len(decoded)
        pos = m.end()
    where.dec.append(n)
    where.src.append((pos, None))
    out.append(text[pos:])
    return "".join(out).replace("\u00a0", " ").replace("\u3000", " "), where


def mask_values_in_html(text: str, sets: Iterable[tuple[ValueSet, str]]) -> str:
    """Replace every occurrence of the sets' values, in any escaped form, by that set's marker."""
    sets = list(sets)
    if not text or not any(len(vs) for vs, _ in sets):
        return text
    decoded, where = decode_with_map(text)
    found: list[tuple[int, int, str]] = []
    for values, marker in sets:
        found += [(where.start(s), where.end(e - 1), marker) for s, e in values.spans(decoded) if e > s]
    if not found:
        return text
    found.sort()
    parts: list[str] = []
    last = 0
    for start, end, marker in found:
        if start < last:
            last = max(last, end)
            continue
        parts += (text[last:start], marker)
        last = end
    parts.append(text[last:])
    return "".join(parts)

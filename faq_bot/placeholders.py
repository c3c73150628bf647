"""Staff placeholders in template FAQs (汎用FAQ): detect them, fill them, never show them.

Template answers carry notes for staff — ○○市, ○日, （自治体の担当課等の名称）, （電話番号）,
（開庁時間）, （…を記載してください）, AAA保健相談所, ……… — that a resident must never read.
``find`` lists them with context; ``fill`` replaces them with a municipality's values (the
value 「削除」 removes a staff note); an entry with anything left unfilled is withheld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DELETE = "削除"
_NOTE_WORDS = ("記載", "記入", "考えられます", "適宜", "名称", "自治体", "URL", "電話番号", "開庁時間", "担当課",
               "所在場所", "地区名", "地域名", "←", "例「", "実施場所", "受け取り場所", "受けられる場所", "実施施設", "住所", "○")
_PAREN = re.compile(r"（(?:[^（）]|（[^（）]{0,60}）){0,200}）")
_INNER = re.compile(r"（[^（）]{0,120}）")
# The sample answer a template gives after a note: "（…を記載してください。）\n例「…」" (or 東京都の例「…」).
_EXAMPLE_START = re.compile(r"[ 　\n]{0,3}(?:[^\s「」。（）]{0,6}の)?例[「｢]")
_SYMBOLS = re.compile(
    r"[○×]+時(?:[○×]+分)?(?:から|～|~|－|-)[○×]+時(?:[○×]+分)?|[○×]+(?:から|～|~)[○×]+"
    r"|(?:[○△×◎□]+|●{2,})(?:市|県|町|村|区|課|駅|小学校|子育て支援センター|税務署|分庁舎|清掃事務所|保育園|幼稚園)?"
    r"|(?<![A-Za-z])(?:AAA|BBB|AA|BB)(?![A-Za-z])|…{3,}")


@dataclass(frozen=True)
class Placeholder:
    text: str
    start: int
    end: int
    field: str  # 質問 | 回答

    def context(self, source: str, width: int = 25) -> str:
        return source[max(0, self.start - width):self.start] + "【" + self.text + "】" + source[self.end:self.end + width]


def _is_note(paren: str) -> bool:
    inner = paren[1:-1]
    return any(w in inner for w in _NOTE_WORDS) or inner.endswith("等")


def _example_end(text: str, end: int) -> int:
    """Where a sample answer right after a note ends (balanced 「」), or ``end`` if there is none."""
    m = _EXAMPLE_START.match(text, end)
    if not m:
        return end
    depth = 0
    for i in range(m.end() - 1, len(text)):
        if text[i] in "「｢":
            depth += 1
        elif text[i] in "」｣":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)  # an unclosed sample runs to the end of the answer


def find(text: str, field: str = "回答") -> list[Placeholder]:
    """Placeholders in ``text`` in order (a staff note in parentheses counts as one)."""
    found: list[Placeholder] = []
    taken: list[tuple[int, int]] = []
    for m in _PAREN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):  # inside a sample answer already taken whole
            continue
        if _is_note(m.group(0)):
            end = _example_end(text, m.end())
            found.append(Placeholder(text[m.start():end], m.start(), end, field))
            taken.append((m.start(), end))
            continue
        for inner in _INNER.finditer(m.group(0), 1, len(m.group(0)) - 1):  # a note inside ordinary brackets
            if _is_note(inner.group(0)):
                a, b = m.start() + inner.start(), m.start() + inner.end()
                found.append(Placeholder(inner.group(0), a, b, field))
                taken.append((a, b))
    for m in _SYMBOLS.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Placeholder(m.group(0), m.start(), m.end(), field))
    return sorted(found, key=lambda p: p.start)


def fill(text: str, values: dict[str, str], field: str = "回答") -> tuple[str, list[str]]:
    """``text`` with each placeholder replaced by ``values[placeholder]``; also the ones left unfilled."""
    out, pos, missing = [], 0, []
    for p in find(text, field):
        value = values.get(p.text)
        out.append(text[pos:p.start])
        if value is None or value == "":
            out.append(p.text)
            missing.append(p.text)
        elif value.strip() != DELETE:
            out.append(value)
        pos = p.end
    out.append(text[pos:])
    return _tidy("".join(out)), missing


def _tidy(text: str) -> str:
    """Remove what deleting a note leaves behind (empty brackets, doubled spaces, blank lines)."""
    text = re.sub(r"[（(]\s*[）)]|「」", "", text)
    text = re.sub(r"、(?=で受け取|です|。)", "", text)
    text = re.sub(r"[ 　]{2,}", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()

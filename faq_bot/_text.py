"""Japanese text analysis for retrieval: SudachiPy split mode A normalised forms.

Split mode A with ``normalized_form``: issue 16's held-out measurements (real residents'
questions and paraphrases) reversed the earlier finding for mode C, which had won only on 49
tuning queries; short units let 予防接種 meet 予防 and 接種, and 子供/子ども/こども,
申し込み/申込 share one form. Content words only, minus the
verbs every question has (する, 教える, …). Each term also carries Sudachi's synonym group
ids, used for query expansion.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import jaconv
from sudachipy import Dictionary, SplitMode

_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞")
# Words every question has ("…を教えてください", "どうやって…") carry no topic.
_STOP = frozenset(["する", "ある", "いる", "なる", "教える", "下さる", "良い", "行く", "来る", "思う", "出来る", "居る", "言う", "遣る", "呉れる", "貰う", "こと", "もの", "方", "ため", "事", "物", "場合", "何", "どう", "所", "時", "とき", "方法", "について", "知る", "分かる", "為る", "御", "お", "ご", "様", "さん", "頂く", "欲しい", "有る", "無い"])
_local = threading.local()
_dict_lock = threading.Lock()
_dictionary: list[Dictionary] = []
_SPACE = re.compile(r"\s+")
MAX_ANALYSED = 2000


def _tokenizer():
    """One dictionary per process (loading takes ~0.4 s), one cheap tokenizer per thread."""
    tok = getattr(_local, "tok", None)
    if tok is None:
        with _dict_lock:
            if not _dictionary:
                _dictionary.append(Dictionary(dict="core"))
        tok = _local.tok = _dictionary[0].tokenizer()
    return tok


def normalize(text: str) -> str:
    """NFKC, lower case, katakana → hiragana, spaces collapsed."""
    s = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", jaconv.kata2hira(s)).strip()


@lru_cache(maxsize=20000)
def analyse(text: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(normalised form, synonym group ids) of each content word, mode A (cached)."""
    out = []
    for m in _tokenizer().tokenize(unicodedata.normalize("NFKC", text)[:MAX_ANALYSED], SplitMode.A):
        if m.part_of_speech()[0] not in _CONTENT:
            continue
        form = m.normalized_form()
        if form in _STOP or not form.strip() or (len(form) == 1 and not _is_kanji(form)):
            continue
        out.append((form, tuple(m.synonym_group_ids())))
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """Content-word normalised forms (mode A)."""
    return tuple(f for f, _ in analyse(text))


def _is_kanji(ch: str) -> bool:
    return "CJK UNIFIED" in unicodedata.name(ch, "")


def person_names(text: str) -> list[tuple[int, int]]:
    """Character spans Sudachi tags 固有名詞・人名 (for masking the question log)."""
    spans = []
    for m in _tokenizer().tokenize(text[:MAX_ANALYSED], SplitMode.C):
        pos = m.part_of_speech()
        if pos[1] == "固有名詞" and pos[2] == "人名":
            spans.append((m.begin(), m.end()))
    return spans


@lru_cache(maxsize=20000)
def reading(text: str) -> str:
    """The text as hiragana readings (夜泣き → よなき), so kana-only questions meet kanji FAQs."""
    parts = []
    for m in _tokenizer().tokenize(unicodedata.normalize("NFKC", text)[:MAX_ANALYSED], SplitMode.C):
        if m.part_of_speech()[0] in ("補助記号", "空白"):
            parts.append(" ")
            continue
        r = m.reading_form()
        parts.append(r if r and r != "キゴウ" else m.surface())
    return jaconv.kata2hira("".join(parts)).lower()


def mostly_kana(text: str) -> bool:
    """True for a question typed in kana only (a phone user who did not convert to kanji)."""
    letters = [c for c in text if c.isalpha()]
    kana = sum(1 for c in letters if "\u3041" <= c <= "\u30ff")
    return bool(letters) and kana / len(letters) >= 0.9

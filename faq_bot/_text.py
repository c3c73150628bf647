"""Japanese text analysis for retrieval: SudachiPy normalised forms + kana-folded character text.

Split mode C with ``normalized_form`` won on the tuning queries (it maps 子供/子ども/こども and
申し込み/申込 to one form); content words only (nouns, verbs, adjectives, adverbs), minus
the verbs every question has (する, 教える, …). The character view folds katakana to
hiragana and NFKC-normalises, so typos and unknown words still share 2-3-grams.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞")
# Words every question has ("…を教えてください", "どうやって…") carry no topic.
_STOP = frozenset("する ある いる なる 教える 下さる 良い 行く 来る 思う 出来る 居る 言う 遣る 呉れる 貰う こと もの 方 ため 事 物 場合 何 どう 所 時 とき 方法 について 知る 分かる".split())
_local = threading.local()
_SPACE = re.compile(r"\s+")


def _tokenizer():
    tok = getattr(_local, "tok", None)
    if tok is None:
        from sudachipy import Dictionary

        tok = _local.tok = Dictionary(dict="core").tokenizer()
    return tok


def normalize(text: str) -> str:
    """NFKC, lower case, katakana → hiragana, spaces collapsed."""
    import jaconv

    s = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", jaconv.kata2hira(s)).strip()


@lru_cache(maxsize=20000)
def tokens(text: str) -> tuple[str, ...]:
    """Content-word normalised forms (cached: FAQ texts and repeated queries)."""
    from sudachipy import SplitMode

    out = []
    for m in _tokenizer().tokenize(unicodedata.normalize("NFKC", text)[:2000], SplitMode.C):
        pos = m.part_of_speech()
        if pos[0] not in _CONTENT:
            continue
        form = m.normalized_form()
        if form in _STOP or not form.strip():
            continue
        out.append(form)
    return tuple(out)


@lru_cache(maxsize=20000)
def reading(text: str) -> str:
    """The text as hiragana readings (夜泣き → よなき), so kana-only questions meet kanji FAQs."""
    import jaconv
    from sudachipy import SplitMode

    parts = []
    for m in _tokenizer().tokenize(unicodedata.normalize("NFKC", text)[:2000], SplitMode.C):
        if m.part_of_speech()[0] in ("補助記号", "空白"):
            parts.append(" ")
            continue
        r = m.reading_form()
        parts.append(r if r and r != "キゴウ" else m.surface())
    return jaconv.kata2hira("".join(parts)).lower()

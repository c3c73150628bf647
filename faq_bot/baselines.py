"""What a municipality would otherwise set up: plain TF-IDF over the FAQ questions.

Used by ``bench/bench_faq.py`` for the same-run comparison and by the regression test that the
fused ranker keeps beating plain word TF-IDF; one implementation for both.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from enum import Enum

from sklearn.feature_extraction.text import TfidfVectorizer

from kyodo.faq_bot._text import tokens
from kyodo.faq_bot.data import FaqEntry
from kyodo.faq_bot.metrics import evaluate_runs


class Baseline(str, Enum):
    CHAR = "char"  # character 2-3-grams within words (sklearn char_wb)
    WORD = "word"  # Sudachi mode A normalised content words


def baseline_eval(entries: Sequence[FaqEntry], queries: dict[str, str], qrels: dict[str, dict[str, int]],
                  kind: Baseline = Baseline.CHAR, k: int = 10) -> dict[str, float]:
    """SR@k / MRR / latency of plain TF-IDF cosine between the query and each FAQ question."""
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)) if kind == Baseline.CHAR else TfidfVectorizer(analyzer=tokens)
    m = vec.fit_transform([e.question for e in entries])
    runs, lat = {}, []
    for qid, text in queries.items():
        t0 = time.perf_counter()
        s = (m @ vec.transform([text]).T).toarray().ravel()
        runs[qid] = [entries[i].id for i in s.argsort()[::-1][:k]]
        lat.append((time.perf_counter() - t0) * 1000)
    return evaluate_runs(runs, qrels, lat)

"""Hybrid FAQ retrieval on a CPU: word TF-IDF, character n-grams and BM25, fused by weights.

Four scorers, each catching what the others miss:
- ``q2q_word``: TF-IDF of Sudachi normalised content words, query vs FAQ question (+ 別の聞き方);
- ``q2q_char``: TF-IDF of kana-folded character 2-3-grams (typos, unknown words);
- ``q2q_reading``: the same over hiragana readings (よなき meets 夜泣き);
- ``bm25``: BM25 (bm25s) over question + answer words;
- ``q2a_word``: TF-IDF of words, query vs answer text.
Scores are fused with weights chosen on the tuning queries; a logistic model on the fused top
score and the margin to the runner-up gives a calibrated confidence.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from faq_bot._text import normalize, reading, tokens
from faq_bot.data import FaqEntry
from faq_bot.synonyms import Synonyms

MODEL_FILE = Path(__file__).resolve().parent / "data" / "model.json"
DEFAULT_WEIGHTS = {"q2q_word": 0.3, "q2q_char": 0.2, "q2q_reading": 0.1, "bm25": 0.3, "q2a_word": 0.1}


@dataclass
class Hit:
    entry: FaqEntry
    score: float


@dataclass
class Model:
    """Fusion weights and the confidence model's coefficients (fitted by ``kyodo faq tune``)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    conf_coef: tuple[float, float, float] = (8.0, 6.0, -4.0)  # intercept-last: a*top + b*margin + c
    threshold: float = 0.5

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "Model":
        if not path.exists():
            return cls()
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(weights=d["weights"], conf_coef=tuple(d["conf_coef"]), threshold=d.get("threshold", 0.5))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps({"weights": self.weights, "conf_coef": list(self.conf_coef),
                                    "threshold": self.threshold}, indent=1), encoding="utf-8")

    def confidence(self, top: float, margin: float) -> float:
        a, b, c = self.conf_coef
        return 1.0 / (1.0 + math.exp(-(a * top + b * margin + c)))


class Retriever:
    """An index over one municipality's effective FAQ list."""

    def __init__(self, entries: Sequence[FaqEntry], synonyms: Synonyms | None = None, model: Model | None = None) -> None:
        import logging

        import bm25s
        from sklearn.feature_extraction.text import TfidfVectorizer

        t0 = time.perf_counter()
        self.entries = list(entries)
        self.synonyms = synonyms or Synonyms.load()
        self.model = model or Model.load()
        q_texts = [self.synonyms.apply(" ".join([e.question, *e.alternatives])) for e in self.entries]
        a_texts = [self.synonyms.apply(e.answer) for e in self.entries]
        self.word = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        self.q_word = self.word.fit_transform(q_texts)
        self.a_word_vec = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        self.a_word = self.a_word_vec.fit_transform(a_texts)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, preprocessor=normalize)
        self.q_char = self.char.fit_transform(q_texts)
        self.read = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, preprocessor=reading)
        self.q_read = self.read.fit_transform(q_texts)
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.bm25 = bm25s.BM25()
        self.bm25.index([list(tokens(q + " " + a)) or ["∅"] for q, a in zip(q_texts, a_texts)], show_progress=False)
        self.build_seconds = time.perf_counter() - t0

    def scores(self, query: str) -> dict[str, Any]:
        """Each scorer's scores for every entry (numpy arrays), for fusion and tuning."""
        import numpy as np

        q = self.synonyms.apply(query)
        qw = self.word.transform([q])
        out = {
            "q2q_word": (self.q_word @ qw.T).toarray().ravel(),
            "q2q_char": (self.q_char @ self.char.transform([q]).T).toarray().ravel(),
            "q2q_reading": (self.q_read @ self.read.transform([q]).T).toarray().ravel(),
            "q2a_word": (self.a_word @ self.a_word_vec.transform([q]).T).toarray().ravel(),
        }
        toks = list(tokens(q))
        bm = self.bm25.get_scores(toks) if toks else np.zeros(len(self.entries))
        out["bm25"] = bm / bm.max() if bm.max() > 0 else bm
        return out

    def fuse(self, parts: dict[str, Any], weights: dict[str, float] | None = None) -> Any:
        w = weights or self.model.weights
        return sum(w.get(k, 0.0) * parts[k] for k in parts)

    def search(self, query: str, k: int = 10) -> tuple[list[Hit], float]:
        """Top ``k`` hits and the calibrated confidence that the first one answers the query."""
        import numpy as np

        fused = self.fuse(self.scores(query))
        if len(fused) == 0:
            return [], 0.0
        k = min(k, len(fused))
        idx = np.argpartition(-fused, k - 1)[:k]
        idx = idx[np.argsort(-fused[idx])]
        hits = [Hit(self.entries[i], float(fused[i])) for i in idx]
        top = hits[0].score
        margin = top - (hits[1].score if len(hits) > 1 else 0.0)
        return hits, (self.model.confidence(top, margin) if top > 0 else 0.0)

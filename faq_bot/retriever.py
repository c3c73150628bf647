"""FAQ retrieval on a CPU, measured on colloquial residents' questions and paraphrases.

Scorers, fused per query by z-score with equal weights (each catches what the others miss):
- ``bm25f``: BM25F over question (x2, with 別の聞き方) and answer, Sudachi mode A normalised
  forms; the query is expanded with the staff's colloquial table, Sudachi synonym groups and
  chiVe nearest neighbours among the corpus' words (expanded words count half);
- ``sif``: chiVe SIF sentence vectors of question + answer (cosine);
- ``char``: character 1-2-gram TF-IDF on questions (typos, unknown words); for a kana-only
  question, on the questions' hiragana readings instead;
- ``word``: word TF-IDF cosine on questions (mode A normalised forms of the expanded query):
  a resident who uses the FAQ's own words should find that FAQ first, whatever the answers say;
- ``encoder``: an optional local ONNX sentence encoder (``KYODO_FAQ_ENCODER``).
The fusion weights are chosen by ``kyodo faq tune`` on the tuning sets (grid search, checked by
5-fold cross-validation); a logistic model on the fused top score, its margin, the raw
similarities of the top hit and how many scorers agree on it gives a calibrated confidence.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import ThreadpoolController

from kyodo.faq_bot import chive
from kyodo.faq_bot._text import analyse, mostly_kana, normalize, reading, tokens
from kyodo.faq_bot.data import FaqEntry
from kyodo.faq_bot.encoder import SentenceEncoder
from kyodo.faq_bot.synonyms import Synonyms

MODEL_FILE = Path(__file__).resolve().parent / "data" / "model.json"
DEFAULT_WEIGHTS = {"bm25f": 1.0, "sif": 1.0, "char": 1.0, "word": 1.0, "encoder": 1.0}
# Confidence needed to answer directly until ``kyodo faq tune`` writes the tuned one into MODEL_FILE.
DEFAULT_THRESHOLD = 0.5
# The confidence model's coefficients until ``kyodo faq tune`` fits them (one per feature, intercept last).
DEFAULT_CONF_COEF: tuple[float, ...] = (0.3, 0.3, 3.0, 1.0, 1.0, 2.0, -6.0)
# The question field counts 4x the answer: chosen on the tuning sets (BM25F alone: mean of SR@1 and
# MRR .69 at 2x, .71 at 4x); answers mention many topics in passing.
K1, B_Q, B_A, W_Q, W_A = 1.2, 0.5, 0.75, 4.0, 1.0
EXPANSION_WEIGHT, NEIGHBOURS, MIN_SIMILARITY, SIF_A = 0.5, 3, 0.6, 1e-3
# A query's matrix products are small: BLAS threads only add hand-over cost (and stall
# badly when the server's cores are busy), so each search runs them on one thread.
_BLAS = ThreadpoolController()


@dataclass
class Hit:
    entry: FaqEntry
    score: float


@dataclass
class Model:
    """Fusion weights and the confidence model's coefficients (fitted by ``kyodo faq tune``)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # one coefficient per feature of ``features()``, intercept last
    conf_coef: tuple[float, ...] = DEFAULT_CONF_COEF
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        if not path.exists():
            return cls()
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(weights=d["weights"], conf_coef=tuple(d["conf_coef"]), threshold=d.get("threshold", DEFAULT_THRESHOLD))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps({"weights": self.weights, "conf_coef": list(self.conf_coef),
                                    "threshold": self.threshold}, indent=1), encoding="utf-8")

    def confidence(self, features: Sequence[float]) -> float:
        *coef, intercept = self.conf_coef
        if len(coef) != len(features):  # a model file from an older version: refit with `kyodo faq tune`
            coef, intercept = list(DEFAULT_CONF_COEF[:-1]), DEFAULT_CONF_COEF[-1]
        x = sum(a * f for a, f in zip(coef, features)) + intercept
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def zscore(s: np.ndarray) -> np.ndarray:
    sd = float(s.std())
    return (s - s.mean()) / sd if sd > 1e-12 else np.zeros_like(s)


class _Bm25f:
    """BM25F with per-field length normalisation; the saturated weights are precomputed."""

    def __init__(self, q_terms: list[tuple[str, ...]], a_terms: list[tuple[str, ...]]) -> None:
        self.vocab: dict[str, int] = {}
        for terms in (*q_terms, *a_terms):
            for t in terms:
                self.vocab.setdefault(t, len(self.vocab))
        n = len(q_terms)
        avg_q = max(1e-9, sum(map(len, q_terms)) / max(n, 1))
        avg_a = max(1e-9, sum(map(len, a_terms)) / max(n, 1))
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        df: Counter[int] = Counter()
        for d, (qt, at) in enumerate(zip(q_terms, a_terms)):
            tf: dict[int, float] = {}
            for terms, w, b, avg in ((qt, W_Q, B_Q, avg_q), (at, W_A, B_A, avg_a)):
                norm = 1 - b + b * len(terms) / avg
                for t, c in Counter(terms).items():
                    col = self.vocab[t]
                    tf[col] = tf.get(col, 0.0) + w * c / norm
            for col, x in tf.items():
                rows.append(d)
                cols.append(col)
                vals.append(x / (K1 + x))
                df[col] += 1
        idf = np.zeros(len(self.vocab), dtype=np.float32)
        for col, f in df.items():
            idf[col] = math.log(1 + (n - f + 0.5) / (f + 0.5))
        self.idf = idf
        mat = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float32)
        self.matrix = (mat @ sparse.diags(idf)).tocsr()

    def score(self, weights: dict[int, float]) -> np.ndarray:
        if not weights:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        q = np.zeros(self.matrix.shape[1], dtype=np.float32)
        for col, w in weights.items():
            q[col] = w
        return self.matrix @ q


class _CharIndex:
    """Character n-gram (or word) TF-IDF over the questions, with a hand-rolled query transform
    (sklearn's ``transform`` costs ~1 ms of validation per call; this costs a dict lookup)."""

    def __init__(self, vectorizer: TfidfVectorizer, texts: list[str]) -> None:
        self.matrix = vectorizer.fit_transform(texts).tocsc()
        self.analyzer = vectorizer.build_analyzer()
        self.vocab = vectorizer.vocabulary_
        self.idf = vectorizer.idf_

    def score(self, text: str) -> np.ndarray:
        counts = Counter(g for g in self.analyzer(text) if g in self.vocab)
        if not counts:
            return np.zeros(self.matrix.shape[0])
        cols = np.fromiter((self.vocab[g] for g in counts), dtype=np.int64, count=len(counts))
        w = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[cols]
        return self.matrix[:, cols] @ (w / np.linalg.norm(w))


class Retriever:
    """An index over one municipality's effective FAQ list."""

    def __init__(self, entries: Sequence[FaqEntry], synonyms: Synonyms | None = None, model: Model | None = None,
                 encoder: SentenceEncoder | None = None, vectors: Any = "auto") -> None:
        t0 = time.perf_counter()
        self.entries = list(entries)
        self.synonyms = synonyms or Synonyms.load()
        self.model = model or Model.load()
        self.encoder = encoder
        self.vectors = chive.load() if vectors == "auto" else vectors
        q_texts = [" ".join([e.question, *e.alternatives]) for e in self.entries]
        q_an = [analyse(t) for t in q_texts]
        a_an = [analyse(e.answer) for e in self.entries]
        self.bm25f = _Bm25f([tuple(f for f, _ in a) for a in q_an], [tuple(f for f, _ in a) for a in a_an])
        self._groups: dict[int, set[int]] = {}
        for an in (*q_an, *a_an):
            for form, gids in an:
                for g in gids:
                    self._groups.setdefault(g, set()).add(self.bm25f.vocab[form])
        self.char = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, preprocessor=normalize)
        self.read = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, preprocessor=reading)
        self._char = _CharIndex(self.char, q_texts) if self.entries else None
        self._read = _CharIndex(self.read, q_texts) if self.entries else None
        self.word = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        self._word = _CharIndex(self.word, q_texts) if self.entries else None
        with _BLAS.limit(limits=1, user_api="blas"):  # small products; threads only contend
            self._build_vectors(q_an, a_an)
        self.doc_embeddings = encoder.encode([f"{e.question}\n{e.answer}" for e in self.entries]) if encoder and self.entries else None
        self.build_seconds = time.perf_counter() - t0

    def _build_vectors(self, q_an: list, a_an: list) -> None:
        """Vocabulary vectors for neighbour expansion and SIF document vectors."""
        self.vocab_vectors: np.ndarray | None = None
        self.sif_docs: np.ndarray | None = None
        self._pc: np.ndarray | None = None
        vectors = self.vectors
        if vectors is None or not self.entries:
            return
        terms = sorted(self.bm25f.vocab, key=self.bm25f.vocab.__getitem__)
        rows = np.array([vectors.row(t) for t in terms])
        self._vocab_cols = np.flatnonzero(rows >= 0)
        self.vocab_vectors = vectors.unit[rows[self._vocab_cols]]
        counts = Counter(f for an in (*q_an, *a_an) for f, _ in an)
        total = max(1, sum(counts.values()))
        self._prob = {w: c / total for w, c in counts.items()}
        self._min_prob = 1 / total
        docs = np.vstack([self._sif([f for f, _ in q] + [f for f, _ in a]) for q, a in zip(q_an, a_an)])
        _, vecs = np.linalg.eigh(docs.T @ docs)  # first principal direction (300x300: fast)
        pc = vecs[:, -1].astype(np.float32)
        self._pc = pc
        self.sif_docs = self._unit(docs - np.outer(docs @ pc, pc))

    def _sif(self, words: list[str]) -> np.ndarray:
        vectors = self.vectors
        if vectors is None:  # only called once _build_vectors had word vectors
            raise RuntimeError("SIF vectors need word vectors")
        vec = np.zeros(vectors.dim, dtype=np.float32)
        for w in words:
            r = vectors.row(w)
            if r >= 0:
                vec += (SIF_A / (SIF_A + self._prob.get(w, self._min_prob))) * vectors.unit[r]
        return vec / max(1, len(words))

    @staticmethod
    def _unit(m: np.ndarray) -> np.ndarray:
        return m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-9)

    def _query_weights(self, terms: tuple[tuple[str, tuple[int, ...]], ...]) -> dict[int, float]:
        """Query term weights: the words themselves 1.0, synonym-group and chiVe neighbours 0.5."""
        vocab = self.bm25f.vocab
        weights: dict[int, float] = {}
        for form, _ in terms:
            if form in vocab:
                weights[vocab[form]] = weights.get(vocab[form], 0.0) + 1.0
        extra: dict[int, float] = {}
        for _form, gids in terms:
            for g in gids:
                for col in self._groups.get(g, ()):
                    extra[col] = max(extra.get(col, 0.0), EXPANSION_WEIGHT)
        vectors, vocab_vectors = self.vectors, self.vocab_vectors
        # vocab_vectors is set only together with the word vectors
        if vectors is not None and vocab_vectors is not None and len(self._vocab_cols):
            rows = [r for r in (vectors.row(f) for f, _ in terms) if r >= 0]
            if rows:
                sims = vectors.unit[rows] @ vocab_vectors.T  # every query word against the corpus words at once
                n = min(NEIGHBOURS + 1, sims.shape[1])
                for row in sims:
                    for i in np.argpartition(-row, n - 1)[:n]:
                        if row[i] >= MIN_SIMILARITY:
                            col = int(self._vocab_cols[i])
                            extra[col] = max(extra.get(col, 0.0), EXPANSION_WEIGHT * float(row[i]))
        for col, w in extra.items():
            weights.setdefault(col, w)
        return weights

    def scores(self, query: str) -> dict[str, np.ndarray]:
        """Each scorer's scores for every entry, for fusion and tuning."""
        q = self.synonyms.expand(query)
        terms = analyse(q)
        # a kana-only question is compared by readings (じどうてあて meets 児童手当)
        char = self._read if mostly_kana(query) else self._char
        if char is None or self._word is None:  # an empty index: rank() returns before scoring
            raise RuntimeError("an empty FAQ index has no scores")
        out = {"bm25f": self.bm25f.score(self._query_weights(terms)), "char": char.score(q), "word": self._word.score(q)}
        if self.sif_docs is not None and self._pc is not None:  # set together in _build_vectors
            v = self._sif([f for f, _ in terms])
            v = self._unit(v - (v @ self._pc) * self._pc)
            out["sif"] = self.sif_docs @ v
        if self.doc_embeddings is not None and self.encoder is not None:  # embeddings come from the encoder
            out["encoder"] = self.doc_embeddings @ self.encoder.encode([q])[0]
        return out

    def fuse(self, parts: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> np.ndarray:
        w = weights or self.model.weights
        # asarray: the sum is an array for any non-empty parts (an empty one would give a bare 0.0)
        return np.asarray(sum(w.get(k, 1.0) * zscore(np.asarray(v, dtype=np.float64)) for k, v in parts.items()) / max(1, len(parts)))

    def rank(self, query: str, k: int = 10) -> tuple[list[Hit], list[float]]:
        """Top ``k`` hits and the confidence features: fused top score, margin, raw char, SIF and
        word similarity of the top hit (z-scores alone look confident for off-topic questions) and
        the share of scorers whose own first hit is the fused first hit."""
        if not self.entries:
            return [], []
        parts = self.scores(query)
        if not any(np.any(v > 0) for v in parts.values()):
            return [], []
        fused = self.fuse(parts)
        k = min(k, len(fused))
        idx = np.argpartition(-fused, k - 1)[:k]
        idx = idx[np.argsort(-fused[idx])]
        hits = [Hit(self.entries[i], float(fused[i])) for i in idx]
        top = hits[0].score
        margin = top - (hits[1].score if len(hits) > 1 else 0.0)
        sif = float(parts["sif"][idx[0]]) if "sif" in parts else 0.0
        agree = sum(float(np.max(v)) > 0 and int(np.argmax(v)) == int(idx[0]) for v in parts.values()) / len(parts)
        return hits, [top, margin, float(parts["char"][idx[0]]), sif, float(parts["word"][idx[0]]), agree]

    def search(self, query: str, k: int = 10) -> tuple[list[Hit], float]:
        """Top ``k`` hits and the calibrated confidence that the first one answers the query."""
        with _BLAS.limit(limits=1, user_api="blas"):
            hits, features = self.rank(query, k)
        return hits, (self.model.confidence(features) if hits else 0.0)

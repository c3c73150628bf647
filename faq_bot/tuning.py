"""``kyodo faq tune``: fusion weights and the confidence model, chosen on the tuning sets only.

Why a grid and not a fitted ranker: with ~160 tuning queries a learnt ranker memorises them; a
coarse grid of per-scorer weights (.5, 1, 1.5, 2) has few degrees of freedom, and 5-fold
cross-validation over the same queries says how much of its gain carries to unseen questions.
The objective averages every query set separately (colloquial, paraphrases…), so the larger
paraphrase sets cannot outvote residents' real wording.

The confidence model is a logistic regression on ``Retriever.rank`` features; the answer
threshold is the lowest one whose *cross-validated* precision on the tuning queries (plus
out-of-domain questions, which must never be answered) reaches the target: in-sample
probabilities are optimistic and would answer too eagerly on new questions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from kyodo.faq_bot.retriever import DEFAULT_THRESHOLD, Model, Retriever, zscore

# No zero: dropping a scorer looked good in-sample but lost under cross-validation (a scorer
# that rarely wins the tuning queries still rescues unseen ones); 0.5..2 beat equal weights.
# The tuning questions (residents' phrasing, paraphrases, out-of-scope): never the evaluation sets.
DEV_SETS = Path(__file__).parent / "data" / "dev"
GRID = (0.5, 1.0, 1.5, 2.0)
PRECISION = 0.9


@dataclass
class TuneSet:
    """One group of tuning queries with graded labels ({qid: {faq_id: grade}})."""

    name: str
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


@dataclass
class TuneReport:
    weights: dict[str, float]
    cv_objective: float  # mean held-fold objective of the weights chosen on the other folds
    equal_objective: float  # the same held folds scored with equal weights (the earlier default)
    fold_picks: list[dict[str, float]] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    cv_precision: float = 0.0  # cross-validated precision of direct answers at the threshold
    cv_coverage: float = 0.0  # share of in-domain tuning questions answered directly


class _Scores:
    """Each tuning query's per-scorer z-scores and relevance mask, computed once."""

    def __init__(self, retriever: Retriever, sets: list[TuneSet]) -> None:
        ids = [e.id for e in retriever.entries]
        z, rel, group = [], [], []
        for g, ts in enumerate(sets):
            for qid, text in ts.queries.items():
                parts = retriever.scores(text)
                self.names = sorted(parts)
                z.append(np.stack([zscore(np.asarray(parts[k], dtype=np.float64)) for k in self.names]))
                labels = ts.qrels.get(qid, {})
                rel.append(np.array([labels.get(d, 0) >= 1 for d in ids]))
                group.append(g)
        self.z, self.rel, self.group = np.stack(z), np.stack(rel), np.array(group)
        self.n_sets = len(sets)

    def objective(self, weights: tuple[float, ...], mask: np.ndarray) -> float:
        """Mean over query sets of (SR@1 + SR@5 + MRR@10) / 3 (the acceptance figures), on ``mask``."""
        fused = np.einsum("qkd,k->qd", self.z[mask], np.asarray(weights))
        best_rel = np.where(self.rel[mask], fused, -np.inf).max(axis=1)
        rank = 1 + (fused > best_rel[:, None]).sum(axis=1)
        per_query = ((rank == 1).astype(float) + (rank <= 5).astype(float) + np.where(rank <= 10, 1.0 / rank, 0.0)) / 3
        groups = self.group[mask]
        return float(np.mean([per_query[groups == g].mean() for g in range(self.n_sets) if np.any(groups == g)]))


def choose_weights(retriever: Retriever, sets: list[TuneSet], folds: int = 5, seed: int = 16) -> TuneReport:
    """Grid-search fusion weights on all tuning queries; report 5-fold CV of the same procedure."""
    s = _Scores(retriever, sets)
    combos = [w for w in itertools.product(GRID, repeat=len(s.names)) if any(w)]
    everything = np.ones(len(s.group), dtype=bool)
    fold_of = np.random.default_rng(seed).integers(0, folds, len(s.group))
    equal = (1.0,) * len(s.names)
    held, held_equal, picks = [], [], []
    for k in range(folds):
        train = fold_of != k
        best = max(combos, key=lambda w: s.objective(w, train))
        picks.append(dict(zip(s.names, best)))
        held.append(s.objective(best, ~train))
        held_equal.append(s.objective(equal, ~train))
    # search only when searching is shown to carry over to held-out folds; else equal weights
    best = max(combos, key=lambda w: s.objective(w, everything)) if np.mean(held) > np.mean(held_equal) else equal
    return TuneReport(weights=dict(zip(s.names, best)), cv_objective=float(np.mean(held)),
                      equal_objective=float(np.mean(held_equal)), fold_picks=picks)


def _features(retriever: Retriever, sets: list[TuneSet], ood: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Confidence features, "first hit is right" labels and an in-domain flag per question."""
    feats, labels, domain = [], [], []
    for ts in sets:
        for qid, text in ts.queries.items():
            hits, f = retriever.rank(text, 2)
            if hits:
                feats.append(f)
                labels.append(int(ts.qrels.get(qid, {}).get(hits[0].entry.id, 0) >= 1))
                domain.append(True)
    for text in ood:
        hits, f = retriever.rank(text, 2)
        if hits:
            feats.append(f)
            labels.append(0)
            domain.append(False)
    return np.array(feats), np.array(labels), np.array(domain)


def threshold_for(confidences: np.ndarray, correct: np.ndarray, precision: float = PRECISION) -> float:
    """The lowest threshold at which the answered questions are right ``precision`` of the time.

    A wrong answer stated confidently costs a resident more than an honest "not sure" that
    points to the office, so precision is fixed first and coverage maximised under it. Only
    prefixes of at least 10 answers count (one lucky answer is not a precision).
    """
    order = np.argsort(-confidences, kind="stable")
    right = np.cumsum(correct[order])
    n = np.arange(1, len(order) + 1)
    ok = np.flatnonzero((right / n >= precision) & (n >= 10))
    if not len(ok):
        return 0.99
    i = ok[-1]
    # midway to the next (rejected) confidence, so ties and rounding do not flip decisions
    nxt = confidences[order[i + 1]] if i + 1 < len(order) else confidences[order[i]]
    return float(round((confidences[order[i]] + nxt) / 2, 4))


def calibrate(retriever: Retriever, sets: list[TuneSet], ood: list[str], report: TuneReport, seed: int = 16) -> None:
    """Fit the confidence model and choose the threshold from cross-validated probabilities."""
    x, y, domain = _features(retriever, sets, ood)
    if len(set(y.tolist())) < 2:
        return
    lr = LogisticRegression(C=10.0, max_iter=5000)  # C: best cross-validated coverage at 90 % on the tuning sets
    cv_prob = cross_val_predict(lr, x, y, cv=StratifiedKFold(5, shuffle=True, random_state=seed), method="predict_proba")[:, 1]
    lr.fit(x, y)
    retriever.model.conf_coef = (*map(float, lr.coef_[0]), float(lr.intercept_[0]))
    t = threshold_for(cv_prob, y)
    retriever.model.threshold = t
    answered = cv_prob >= t
    report.threshold = t
    report.cv_precision = float(y[answered].mean()) if answered.any() else 0.0
    report.cv_coverage = float(answered[domain].mean())


def tune(retriever: Retriever, sets: list[TuneSet], ood: list[str]) -> tuple[Model, TuneReport]:
    """Choose the fusion weights, then calibrate the confidence for them (the features depend on them)."""
    retriever.model = Model()
    report = choose_weights(retriever, sets)
    retriever.model.weights = dict(report.weights)
    calibrate(retriever, sets, ood, report)
    return retriever.model, report

"""IR metrics used by ``kyodo faq eval`` and the 正答率 report (one implementation for both)."""

from __future__ import annotations

import math


def success_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    return 1.0 if any(relevant.get(d, 0) >= 1 for d in ranked[:k]) else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    for i, d in enumerate(ranked, 1):
        if relevant.get(d, 0) >= 1:
            return 1.0 / i
    return 0.0


def average_precision(ranked: list[str], relevant: dict[str, int]) -> float:
    rel = {d for d, g in relevant.items() if g >= 1}
    if not rel:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranked, 1):
        if d in rel:
            hits += 1
            total += hits / i
    return total / len(rel)


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 1) for i, d in enumerate(ranked[:k], 1))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def evaluate_runs(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], latencies_ms: list[float]) -> dict[str, float]:
    """The eval report: sr@1/3/5, mrr, map, ndcg@10 over queries that have judgements, p50/p95 latency."""
    qids = [q for q in qrels if q in runs]
    n = len(qids) or 1
    out = {
        "sr@1": sum(success_at(runs[q], qrels[q], 1) for q in qids) / n,
        "sr@3": sum(success_at(runs[q], qrels[q], 3) for q in qids) / n,
        "sr@5": sum(success_at(runs[q], qrels[q], 5) for q in qids) / n,
        "mrr": sum(reciprocal_rank(runs[q], qrels[q]) for q in qids) / n,
        "map": sum(average_precision(runs[q], qrels[q]) for q in qids) / n,
        "ndcg@10": sum(ndcg_at(runs[q], qrels[q], 10) for q in qids) / n,
        "p50_ms": percentile(latencies_ms, 50),
        "p95_ms": percentile(latencies_ms, 95),
    }
    return {k: round(v, 4) for k, v in out.items()}

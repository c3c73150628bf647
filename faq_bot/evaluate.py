"""``kyodo faq eval`` and ``kyodo faq tune``: measure retrieval, choose weights, fit confidence."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

from faq_bot.data import FaqEntry, load_faq
from faq_bot.metrics import evaluate_runs, success_at
from faq_bot.retriever import Model, Retriever
from robots.errors import BusinessError


def load_json(path: str | Path, what: str) -> Any:
    p = Path(path)
    if not p.exists():
        raise BusinessError(f"{what}ファイルが見つかりません: {p}")
    try:
        return json.loads(p.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise BusinessError(f"{what}のJSONに誤りがあります（{exc.msg}）。", where=f"{p.name}:{exc.lineno}:{exc.colno}") from None


def load_eval_inputs(corpus: str | Path, queries: str | Path, qrels: str | Path) -> tuple[list[FaqEntry], dict[str, str], dict[str, dict[str, int]]]:
    entries = load_faq(corpus)
    q = load_json(queries, "質問")
    r = load_json(qrels, "正解")
    if not isinstance(q, dict) or not isinstance(r, dict):
        raise BusinessError("queries は {qid: 質問}、qrels は {qid: {faq_id: grade}} の形にしてください。")
    rels = {str(k): {str(d): int(g) for d, g in v.items()} for k, v in r.items()}
    return entries, {str(k): str(v) for k, v in q.items()}, rels


def run_eval(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]], k: int = 10) -> dict[str, float]:
    runs: dict[str, list[str]] = {}
    lat: list[float] = []
    for qid, text in queries.items():
        t0 = time.perf_counter()
        hits, _ = retriever.search(text, k)
        lat.append((time.perf_counter() - t0) * 1000)
        runs[qid] = [h.entry.id for h in hits]
    return evaluate_runs(runs, qrels, lat)


def tune(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]], ood: list[str] | None = None) -> Model:
    """Grid-search fusion weights on the tuning queries, then fit the confidence model."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    parts = {qid: retriever.scores(text) for qid, text in queries.items()}
    ids = [e.id for e in retriever.entries]
    names = sorted(next(iter(parts.values())))
    best, best_w = -1.0, dict(retriever.model.weights)
    for combo in itertools.product(range(11), repeat=len(names) - 1):
        if sum(combo) > 10:
            continue
        w = {n: x / 10 for n, x in zip(names, (*combo, 10 - sum(combo)))}
        sr1 = mrr = 0.0
        for qid, p in parts.items():
            fused = retriever.fuse(p, w)
            order = np.argsort(-fused)[:10]
            ranked = [ids[i] for i in order]
            sr1 += success_at(ranked, qrels.get(qid, {}), 1)
            mrr += next((1 / (n + 1) for n, d_ in enumerate(ranked) if qrels.get(qid, {}).get(d_, 0) >= 1), 0)
        score = sr1 + 0.5 * mrr
        if score > best:
            best, best_w = score, w
    model = Model(weights=best_w, threshold=retriever.model.threshold)
    retriever.model = model
    feats, labels = [], []
    for qid, text in queries.items():
        hits, _ = retriever.search(text, 2)
        top = hits[0].score
        feats.append([top, top - hits[1].score])
        labels.append(1 if qrels.get(qid, {}).get(hits[0].entry.id, 0) >= 1 else 0)
    for text in ood or []:
        hits, _ = retriever.search(text, 2)
        feats.append([hits[0].score, hits[0].score - hits[1].score])
        labels.append(0)
    if len(set(labels)) == 2:
        lr = LogisticRegression(C=10.0).fit(np.array(feats), np.array(labels))
        model.conf_coef = (float(lr.coef_[0][0]), float(lr.coef_[0][1]), float(lr.intercept_[0]))
        model.threshold = choose_threshold([model.confidence(t, m) for t, m in feats], labels)
    return model


def choose_threshold(confidences: list[float], correct: list[int], precision: float = 0.9) -> float:
    """The lowest threshold whose answered questions are right at least ``precision`` of the time.

    A wrong answer stated confidently costs a resident more than an honest "not sure" that
    points to the office, so precision is fixed first and coverage maximised under it.
    """
    pairs = sorted(zip(confidences, correct), reverse=True)
    best = 0.5
    right = 0
    for n, (conf, ok) in enumerate(pairs, 1):
        right += ok
        if right / n >= precision:
            best = conf
    return round(max(0.3, min(best, 0.9)), 3)

"""``kyodo faq eval``: measure retrieval on labelled queries (tuning lives in ``kyodo.faq_bot.tuning``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.faq_bot.data import FaqEntry, load_faq
from kyodo.faq_bot.metrics import evaluate_runs
from kyodo.faq_bot.retriever import Retriever


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

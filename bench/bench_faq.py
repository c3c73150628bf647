"""Benchmark: FAQ bot accuracy on held-apart queries, HTTP latency/throughput, index build time.

- Accuracy (SR@1/3/5, MRR) on faq_bot/data/dev/queries_test.json (never used for tuning),
  compared with a plain character TF-IDF retriever in the same run.
- Answer coverage and precision at the tuned confidence threshold.
- HTTP API latency p50/p95 and throughput (4 client threads) on 2 cores with 2,000 and 20,000
  FAQ entries (the 661-entry corpus expanded with numbered variants), and index build time.

Run: .venv/bin/python bench/bench_faq.py [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DEV = Path(__file__).resolve().parent.parent / "faq_bot" / "data" / "dev"


def baseline_eval(entries, queries, qrels):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from faq_bot.metrics import evaluate_runs

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3))
    m = vec.fit_transform([e.question for e in entries])
    runs, lat = {}, []
    for qid, text in queries.items():
        t0 = time.perf_counter()
        s = (m @ vec.transform([text]).T).toarray().ravel()
        runs[qid] = [entries[i].id for i in s.argsort()[::-1][:10]]
        lat.append((time.perf_counter() - t0) * 1000)
    return evaluate_runs(runs, qrels, lat)


def expanded(entries, n):
    from faq_bot.data import FaqEntry

    out = []
    k = 0
    while len(out) < n:
        for e in entries:
            if len(out) >= n:
                break
            suffix = "" if k == 0 else f"（第{k}版）"
            out.append(FaqEntry(id=f"{e.id}-{k}", question=e.question + suffix, answer=e.answer, category=e.category))
        k += 1
    return out


def http_bench(n_entries: int, requests: int, queries: list[str]) -> dict:
    import httpx

    from faq_bot.api import create_app
    from faq_bot.demo import generic_corpus
    from faq_bot.questionlog import QuestionStore
    from faq_bot.retriever import Retriever
    from faq_bot.service import FaqService
    from runner.registry import load_registry
    from runner.webserver import serve_in_thread

    entries = expanded(generic_corpus(), n_entries)
    t0 = time.perf_counter()
    retriever = Retriever(entries)
    build = time.perf_counter() - t0
    svc = FaqService(load_registry(Path("config/municipalities.yaml")))
    svc._cache["352039"] = retriever
    with tempfile.TemporaryDirectory() as d, serve_in_thread(create_app(svc, QuestionStore(f"sqlite:///{d}/faq.db"), rate_per_minute=10**9)) as srv:
        url = f"{srv.url}/api/352039/ask"
        lat = []
        with httpx.Client() as c:
            for i in range(requests):
                t = time.perf_counter()
                r = c.post(url, json={"question": queries[i % len(queries)]})
                lat.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
        done = 0
        lock = threading.Lock()

        def worker() -> None:
            nonlocal done
            with httpx.Client() as c:
                for i in range(requests // 4):
                    c.post(url, json={"question": queries[i % len(queries)]})
                    with lock:
                        done += 1

        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rps = done / (time.perf_counter() - t0)
    lat.sort()
    return {"entries": n_entries, "build_s": build, "p50_ms": statistics.median(lat),
            "p95_ms": lat[int(0.95 * (len(lat) - 1))], "rps": rps}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    from faq_bot.answer import Office, reply
    from faq_bot.demo import generic_corpus
    from faq_bot.evaluate import run_eval
    from faq_bot.retriever import Retriever

    entries = generic_corpus()
    q = json.loads((DEV / "queries_test.json").read_text(encoding="utf-8"))
    r = json.loads((DEV / "qrels_test.json").read_text(encoding="utf-8"))
    retriever = Retriever(entries)
    ours = run_eval(retriever, q, r)
    base = baseline_eval(entries, q, r)
    print(f"held-apart test set ({len(q)} queries, 661 FAQs):")
    for k in ("sr@1", "sr@3", "sr@5", "mrr", "ndcg@10"):
        print(f"  {k:8} kyodo {ours[k]:.3f}   plain char TF-IDF {base[k]:.3f}   ratio {ours[k] / base[k]:.2f}x")
    print(f"  query latency in-process p50 {ours['p50_ms']:.2f} ms, p95 {ours['p95_ms']:.2f} ms")
    answered = right = 0
    for qid, text in q.items():
        rep = reply(retriever, text, Office("窓口"))
        if rep.kind == "answer":
            answered += 1
            right += r[qid].get(rep.answer["id"], 0) >= 1
    print(f"  at threshold {retriever.model.threshold}: answered {answered}/{len(q)} ({answered / len(q):.0%}), "
          f"precision of answers {right / max(answered, 1):.0%}; the rest get 'not sure' + top-3 suggestions + office")
    qs = list(q.values())
    for n in (2000, 20000):
        h = http_bench(n, args.requests, qs)
        print(f"HTTP API, {h['entries']:,} entries: index build {h['build_s']:.1f} s, p50 {h['p50_ms']:.1f} ms, "
              f"p95 {h['p95_ms']:.1f} ms, throughput {h['rps']:.0f} req/s (4 clients, 2 cores)")


if __name__ == "__main__":
    main()

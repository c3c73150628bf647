"""Benchmark: FAQ bot accuracy on held-apart queries, latency, HTTP throughput, index build time.

- Accuracy (SR@1/3/5, MRR) on the held-apart sets in faq_bot/data/dev/ (colloquial residents'
  questions, terse paraphrases, the older paraphrase/typo set), never used for tuning, compared
  in the same run with plain character and plain word TF-IDF on questions (faq_bot/baselines.py:
  what a municipality would otherwise set up); the tuning sets are printed for reference.
- Direct-answer coverage and precision at the tuned confidence threshold, and how many held-apart
  off-topic questions get a (necessarily wrong) direct answer.
- In-process query latency p95 (CPU time) and index build time at 2,000 entries.
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


def expanded(entries, n):
    from kyodo.faq_bot.data import FaqEntry

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

    from kyodo.faq_bot.api import create_app
    from kyodo.faq_bot.demo import generic_corpus
    from kyodo.faq_bot.questionlog import QuestionStore
    from kyodo.faq_bot.retriever import Retriever
    from kyodo.faq_bot.service import FaqService
    from kyodo.runner.registry import load_registry
    from kyodo.runner.webserver import serve_in_thread

    entries = expanded(generic_corpus(), n_entries)
    t0 = time.perf_counter()
    retriever = Retriever(entries)
    build = time.perf_counter() - t0
    svc = FaqService(load_registry(Path("config/municipalities.yaml")))
    svc._cache["352039"] = retriever
    with tempfile.TemporaryDirectory() as d, serve_in_thread(create_app(svc, QuestionStore(f"sqlite:///{d}/faq.db"), rate_per_minute=10**9)) as srv:
        url = f"{srv.url}/api/352039/ask"
        lat = []
        with httpx.Client(timeout=120) as c:
            for i in range(requests):
                t = time.perf_counter()
                r = c.post(url, json={"question": queries[i % len(queries)]})
                lat.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
        done = 0
        lock = threading.Lock()

        def worker() -> None:
            nonlocal done
            with httpx.Client(timeout=120) as c:
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


SETS = [("colloquial residents' questions, held apart", "colloquial_test.json", "colloquial_qrels_test.json"),
        ("terse paraphrases of FAQ questions, held apart", "paraphrase_test.json", "paraphrase_qrels_test.json"),
        ("paraphrases/typos/kana (older 48-query set), held apart", "queries_test.json", "qrels_test.json"),
        ("colloquial, tuning set (for reference)", "colloquial_tune.json", "colloquial_qrels_tune.json"),
        ("terse paraphrases, tuning set (for reference)", "paraphrase_tune.json", "paraphrase_qrels_tune.json")]


def direct_answers(retriever, queries: dict, qrels: dict) -> tuple[int, int]:
    """How many questions the bot answers directly, and how many of those answers are right."""
    from kyodo.faq_bot.answer import Office, reply

    answered = right = 0
    for qid, text in queries.items():
        rep = reply(retriever, text, Office("窓口"))
        if rep.kind == "answer":
            answered += 1
            right += qrels.get(qid, {}).get(rep.answer["id"], 0) >= 1
    return answered, right


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    from kyodo.faq_bot.baselines import Baseline, baseline_eval
    from kyodo.faq_bot.demo import generic_corpus
    from kyodo.faq_bot.evaluate import run_eval
    from kyodo.faq_bot.retriever import Retriever

    entries = generic_corpus()
    t0 = time.perf_counter()
    retriever = Retriever(entries)
    print(f"index build, {len(entries)} entries: {time.perf_counter() - t0:.2f} s (first build in the process loads Sudachi + chiVe)")
    print(f"fusion weights {retriever.model.weights}, answer threshold {retriever.model.threshold} (kyodo faq tune, tuning sets only)")
    for title, qf, rf in SETS:
        q = json.loads((DEV / qf).read_text(encoding="utf-8"))
        r = json.loads((DEV / rf).read_text(encoding="utf-8"))
        ours = run_eval(retriever, q, r)
        char, word = baseline_eval(entries, q, r, Baseline.CHAR), baseline_eval(entries, q, r, Baseline.WORD)
        print(f"{title} ({len(q)} queries, {len(entries)} FAQs):")
        for k in ("sr@1", "sr@3", "sr@5", "mrr", "ndcg@10"):
            print(f"  {k:8} kyodo {ours[k]:.3f}   char TF-IDF {char[k]:.3f} (ratio {ours[k] / max(char[k], 1e-9):.2f}x)   "
                  f"word TF-IDF {word[k]:.3f} (ratio {ours[k] / max(word[k], 1e-9):.2f}x)")
        answered, right = direct_answers(retriever, q, r)
        print(f"  at threshold {retriever.model.threshold}: answered directly {answered}/{len(q)} ({answered / len(q):.0%}), precision "
              f"{right / max(answered, 1):.0%}; the rest get 'not sure' + top-3 suggestions + the topic's office")
    ood = json.loads((DEV / "ood_test.json").read_text(encoding="utf-8"))
    wrong, _ = direct_answers(retriever, dict(enumerate(ood)), {})
    print(f"out-of-domain questions, held apart ({len(ood)}): answered directly {wrong} (every direct answer here is wrong)")
    q = json.loads((DEV / "colloquial_test.json").read_text(encoding="utf-8"))
    queries = [*q.values(), *json.loads((DEV / "queries_test.json").read_text(encoding="utf-8")).values(),
               *json.loads((DEV / "paraphrase_test.json").read_text(encoding="utf-8")).values()]
    big = expanded(entries, 2000)
    t0 = time.perf_counter()
    r2k = Retriever(big)
    build = time.perf_counter() - t0
    lat, cpu = [], []
    for n in range(3):
        for text in queries:
            t, c = time.perf_counter(), time.process_time()
            r2k.search(text + " " * n, 10)  # distinct strings: no analysis cache hits after the first round
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    lat.sort()
    cpu.sort()
    import os

    print(f"2,000 entries in-process: index build {build:.1f} s (target < 10 s), query wall p50 {statistics.median(lat):.1f} ms, "
          f"p95 {lat[int(0.95 * (len(lat) - 1))]:.1f} ms; CPU time p50 {statistics.median(cpu):.1f} ms, p95 {cpu[int(0.95 * (len(cpu) - 1))]:.1f} ms "
          f"(target p95 <= 10 ms; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    qs = queries
    for n in (2000, 20000):
        h = http_bench(n, args.requests, qs)
        print(f"HTTP API, {h['entries']:,} entries: index build {h['build_s']:.1f} s, p50 {h['p50_ms']:.1f} ms, "
              f"p95 {h['p95_ms']:.1f} ms, throughput {h['rps']:.0f} req/s (4 clients, 2 cores)")


if __name__ == "__main__":
    main()

"""Benchmark: what the security hardening costs.

1. Masking a failure page dump (a portal list page, ~200 rows) while a run has 30,000 residents'
   values registered: ``mask_html`` (decodes HTML references once, with a map back) against the
   previous way, ``mask_text`` with each secret's escaped variants listed in advance, on the same
   dumps in the same run. The old way is faster but leaks the attribute form Chromium writes
   (``value="Pass&quot;word'2026"``); the figure to watch is the ratio and the leak count.
   Target: < 50 ms per 100 KB dump (written once per failure, so this is not on a hot path).
2. A dashboard request's session check: the server-side session lookup (``session_user``, one
   indexed read on SQLite) per request. Target: < 2 ms.

Run: .venv/bin/python bench/bench_security.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECRET = "Pass\"word'2026"


def dump(names: list[str], rng: random.Random) -> str:
    rows = "".join(f"<tr><td><a href='/352039/applications/352039-{i:04d}'>352039-{i:04d}</a></td>"
                   f"<td>2026/11/{rng.randint(1, 28):02d} 10:{i % 60:02d}</td><td>児童手当 現況届</td>"
                   f"<td>{rng.choice(names).replace(' ', '&nbsp;')}</td><td>受付</td></tr>" for i in range(200))
    form = "<input name='password' type='password' value=\"Pass&quot;word'2026\">"
    page = f"<!DOCTYPE html><html><head><title>受付一覧</title></head><body>{form}<table>{rows}</table></body></html>"
    return page * 3  # ~100 KB


def bench_masking() -> None:
    from kyodo.core.privacy import (
        mask_html,
        mask_text,
        personal_scope,
        register_personal,
        register_secret,
    )
    from kyodo.runner.demo.portal.data import GIVEN, SURNAMES

    rng = random.Random(20261126)
    names = [f"{s} {g}" for s in SURNAMES for g in GIVEN]
    vals = names + [f"山口県山口市中央{rng.randint(1, 9)}丁目{n}番" for n in range(30_000 - len(names))]
    register_secret(SECRET)
    pages = [dump(names, rng) for _ in range(20)]
    with personal_scope():
        register_personal(vals)
        mask_text("warm up"), mask_html("warm &amp; up")
        t0 = time.perf_counter()
        new = [mask_html(p) for p in pages]
        t_new = time.perf_counter() - t0
        t0 = time.perf_counter()
        old = [mask_text(p) for p in pages]
        t_old = time.perf_counter() - t0
    leaks_new = sum(p.count("word'2026") + sum(n.replace(" ", "&nbsp;") in p for n in names[:50]) for p in new)
    leaks_old = sum(p.count("word'2026") + sum(n.replace(" ", "&nbsp;") in p for n in names[:50]) for p in old)
    size = sum(len(p) for p in pages) / len(pages) / 1024
    print(f"page dump masking, {len(vals):,} values registered, {len(pages)} dumps of {size:.0f} KB")
    print(f"  mask_html (decode + map back): {t_new / len(pages) * 1000:7.2f} ms per dump, leaks: {leaks_new}")
    print(f"  mask_text (listed variants):   {t_old / len(pages) * 1000:7.2f} ms per dump, leaks: {leaks_old}")
    print(f"  ratio new/old: {t_new / t_old:.2f}x")


def bench_sessions() -> None:
    from kyodo.runner.dashboard.sessions import open_session, session_user
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.store import RunStore

    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(f"sqlite:///{tmp}/kyodo.db")
        add_user(store, "bench", "bench-password-1", "352039")
        tokens = [open_session(store, "bench") for _ in range(200)]
        t0 = time.perf_counter()
        n = 0
        for _ in range(5):
            for t in tokens:
                assert session_user(store, t) == "bench"
                n += 1
        per = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for _ in range(n):
            store.get_run("does-not-exist")  # the cheapest read a page does anyway
        base = (time.perf_counter() - t0) / n
    print(f"session check per request: {per * 1000:.3f} ms (one primary-key read of a run: {base * 1000:.3f} ms,"
          f" ratio {per / base:.2f}x)")


if __name__ == "__main__":
    bench_masking()
    bench_sessions()

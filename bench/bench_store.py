"""Benchmark: the run store's hot paths on SQLite.

1. Opening the store (every ``kyodo`` command does it): the migration fast path (one read of
   ``alembic_version``) vs. the obvious alternative, running ``alembic upgrade head`` every time.
2. The dashboard's history page over 20,000 runs: one municipality, one month, newest 200 — via
   ``list_runs`` (indexed SQL) vs. loading every run and filtering in Python.

Targets: opening < 20 ms; history query < 50 ms. Run: .venv/bin/python bench/bench_store.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _best(fn, n: int) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    from alembic import command
    from sqlalchemy import insert, select

    from kyodo.runner.store import RunFilter, RunStore
    from kyodo.runner.store.migrate import _config
    from kyodo.runner.store.models import Run
    from kyodo.runner.store.store import jst_day_start

    tmp = Path(tempfile.mkdtemp(prefix="kyodo-bench-store-"))
    url = f"sqlite:///{tmp / 'k.db'}"
    RunStore(url).engine.dispose()

    def open_fast() -> None:
        RunStore(url).engine.dispose()

    def open_always_upgrade() -> None:
        s = RunStore.__new__(RunStore)  # same engine set-up, but run Alembic unconditionally
        from sqlalchemy import create_engine

        eng = create_engine(url)
        with eng.begin() as conn:
            command.upgrade(_config(conn), "heads")
        eng.dispose()
        del s

    fast = _best(open_fast, 15)
    slow = _best(open_always_upgrade, 15)
    print(f"open store (up to date): fast path {fast * 1000:.1f} ms, always 'alembic upgrade' {slow * 1000:.1f} ms, "
          f"ratio {slow / fast:.1f}x  (target < 20 ms: {'OK' if fast < 0.02 else 'MISSED'})")

    store = RunStore(url)
    rnd = random.Random(7)
    codes = [f"35{n:04d}" for n in range(2000, 2019)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(20_000):
        t = start + timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
        rows.append({"id": f"r{i:06d}", "scenario": rnd.choice(["e_application_aggregation", "tax_reconciliation", "ocr"]),
                     "scenario_version": "1", "municipality": rnd.choice(codes), "municipalities": [], "trigger": "schedule",
                     "status": rnd.choice(["succeeded"] * 8 + ["failed", "partial"]), "created_at": t, "started_at": t,
                     "items_ok": rnd.randrange(0, 200), "items_failed": 0, "minutes_per_item": 1.5, "params": {},
                     "artifact_dir": "", "attempt": 1, "logical_date": t.date()})
    with store.engine.begin() as conn:
        conn.execute(insert(Run), rows)
    f = RunFilter(municipality=[codes[3]], since=date(2026, 10, 1), until=date(2026, 10, 31), limit=200)

    def python_filter() -> list:
        lo, hi = jst_day_start(date(2026, 10, 1)), jst_day_start(date(2026, 11, 1))
        with store.session() as s:
            everything = list(s.scalars(select(Run)))
        hits = [r for r in everything if r.municipality == codes[3] and lo <= r.created_at < hi]
        return sorted(hits, key=lambda r: (r.created_at, r.id), reverse=True)[:200]

    sql = _best(lambda: store.list_runs(f), 10)
    py = _best(python_filter, 3)
    assert [r.id for r in store.list_runs(f)] == [r.id for r in python_filter()]
    print(f"history page, 20,000 runs: list_runs {sql * 1000:.1f} ms, load all + filter in Python {py * 1000:.1f} ms, "
          f"ratio {py / sql:.1f}x  (target < 50 ms: {'OK' if sql < 0.05 else 'MISSED'})")


if __name__ == "__main__":
    main()

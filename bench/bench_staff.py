"""Benchmark: what a clerk waits for on the dashboard, with a year of history (30,000 runs, 19 towns).

- History page 1 and page 300 (paging with COUNT + OFFSET), as 宇部市 staff and as prefecture staff.
- Export of every run of one town to CSV and Excel (Japanese names, JST, masked messages).
- Effect report for one month + the 12-month trend.
Compared in the same run with what an operator would otherwise do: ``pandas.read_sql`` of the whole
runs table and ``DataFrame.to_csv`` (no names, no masking, UTC times), and with the page as it was
before paging (the newest 200 runs, no count).

Run: .venv/bin/python bench/bench_staff.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
N = 30_000


def _seed(store, codes: list[str]) -> None:
    from sqlalchemy import insert

    from kyodo.runner.store.models import Run

    start = datetime(2025, 11, 1, tzinfo=UTC)
    rows = []
    for i in range(N):
        code = codes[i % len(codes)]
        created = start + timedelta(minutes=17 * i)
        rows.append(dict(id=f"{created:%Y%m%dT%H%M%S}-{i:08x}", scenario=("e_application_aggregation", "tax_reconciliation")[i % 2],
                         scenario_version="1", municipality=code, municipalities=[code], trigger="schedule",
                         status="failed" if i % 23 == 0 else "succeeded", created_at=created, started_at=created,
                         finished_at=created + timedelta(minutes=2), items_ok=i % 120, items_failed=i % 3,
                         minutes_per_item=2.0, error_message="ログインできませんでした 090-1234-5678" if i % 23 == 0 else None,
                         params={}, artifact_dir="", logical_date=created.date(), attempt=1))
    with store.engine.begin() as conn:
        conn.execute(insert(Run), rows)


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kyodo-bench-staff-"))
    os.environ["KYODO_HOME"] = str(tmp)
    os.environ.pop("KYODO_DB_URL", None)
    import pandas as pd
    from fastapi.testclient import TestClient

    from kyodo.core.settings import get_settings, reset_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.registry import load_registry
    from kyodo.runner.report.effect import effect_rows, effect_trend
    from kyodo.runner.store import RunFilter, open_store
    from tests.dashboard.conftest import login

    reset_settings()
    settings = get_settings()
    registry = load_registry(settings.registry_path)
    store = open_store()
    codes = [m.code for m in registry.all()]
    t = time.perf_counter()
    _seed(store, codes)
    print(f"seeded {N:,} runs for {len(codes)} municipalities in {time.perf_counter() - t:.1f} s")
    add_user(store, "ube", "ube-pass-12345", "352021")
    add_user(store, "pref", "pref-pass-12345", None)
    app = create_app(store, registry, settings, session_secret="b")
    for user, pw in (("ube", "ube-pass-12345"), ("pref", "pref-pass-12345")):
        with TestClient(app) as c:
            login(c, user, pw)
            p1 = _time(lambda: c.get("/").raise_for_status())
            p_last = _time(lambda: c.get("/?page=300").raise_for_status())
            csv_t = _time(lambda: c.get("/runs.csv").raise_for_status(), 1)
            # The Excel export is timed for one town only: 30,000 prefecture rows in openpyxl would dominate the run.
            xlsx = f", Excel export {_time(lambda: c.get('/runs.xlsx').raise_for_status(), 1):.2f} s" if user == "ube" else ""
            n = store.count_runs(RunFilter(municipality=None if user == "pref" else ["352021"]))
            print(f"{user:5s} ({n:,} runs): page 1 {p1 * 1000:.0f} ms, page 300 {p_last * 1000:.0f} ms, "
                  f"CSV export {csv_t:.2f} s{xlsx}")
    old = _time(lambda: store.list_runs(RunFilter(limit=200)))
    new = _time(lambda: (store.list_runs(RunFilter(limit=50)), store.count_runs(RunFilter())))
    print(f"history query: paged (50 + count) {new * 1000:.1f} ms vs old page (newest 200, no count) {old * 1000:.1f} ms")
    ours = _time(lambda: __import__("kyodo.runner.report.history", fromlist=["x"]).history_csv(
        __import__("kyodo.runner.report.history", fromlist=["x"]).history_rows(
            store.list_runs(RunFilter(municipality=["352021"], limit=100_000)), registry.names())), 1)
    naive = _time(lambda: pd.read_sql("SELECT * FROM runs WHERE municipality = '352021'", store.engine).to_csv(), 1)
    print(f"town export to CSV: kyodo {ours:.2f} s (names, JST, masked) vs pandas read_sql + to_csv {naive:.2f} s "
          f"(raw rows): ratio {ours / naive:.1f}x")
    eff = _time(lambda: effect_rows(store, "2026-10", registry.names()), 1)
    trend = _time(lambda: effect_trend(store, "2026-10", registry.names()), 1)
    print(f"effect report: one month {eff * 1000:.0f} ms, 12-month trend {trend:.2f} s")


if __name__ == "__main__":
    main()

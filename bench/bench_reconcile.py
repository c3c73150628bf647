"""Benchmark: 調定・収納照合 at scale, and reading large workbooks.

1. Reconcile N assessments against N payments (default 1,000,000 each) with the vectorised
   robot; report seconds and peak memory (measured in a child process). Compare with the
   obvious way (a Python row loop with a dict per key) on a sample, extrapolated linearly.
2. Read a 200,000-row xlsx with python-calamine (the robot's fast path) vs openpyxl read-only.
3. Fill the standard report template (明細, 11 columns) with 20,000 rows, formats kept.

Run: .venv/bin/python bench/bench_reconcile.py [--rows 1000000] [--xlsx-rows 200000] [--fill-rows 20000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEYS = ["宛名番号", "年度", "税目", "期別"]


def make_data(n: int, seed: int = 1):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    people = n // 4
    atena = np.repeat(np.arange(1, people + 1), 4)
    a = pd.DataFrame({
        "宛名番号": pd.Series(atena).map("{:010d}".format),
        "年度": "2026",
        "税目": pd.Series(rng.choice(["01", "02", "03"], people)).repeat(4).to_numpy(),
        "期別": np.tile(["01", "02", "03", "04"], people),
        "調定額": rng.integers(30, 600, n) * 100,
    })
    p = a[KEYS].copy()
    amount = a["調定額"].to_numpy().copy()
    roll = rng.random(n)
    amount[roll < 0.05] = 0                      # will be dropped: 未納
    amount[(roll >= 0.05) & (roll < 0.08)] -= 100  # 一部納付
    amount[(roll >= 0.08) & (roll < 0.10)] += 100  # 過誤納
    p["収納額"] = amount
    p = p[p["収納額"] > 0]
    extra = n - len(p)
    dup = p.sample(extra, random_state=seed, replace=True)  # 重複納付 to reach N payments
    p = pd.concat([p, dup], ignore_index=True)
    return a, p


def vectorised(n: int, out: mp.Queue) -> None:
    from robots.reconcile.match import reconcile, summarize

    a, p = make_data(n)
    t0 = time.perf_counter()
    r = reconcile(a, p, KEYS)
    s = summarize(r)
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((secs, peak_mb, int(s.loc[s["区分"] == "合計", "件数"].iloc[0]), len(p)))


def naive(a, p) -> dict:
    """The obvious way: loop over rows, dicts keyed by tuples, classify one by one."""
    paid: dict = {}
    for row in p.itertuples(index=False):
        k = (row[0], row[1], row[2], row[3])
        s, c = paid.get(k, (0, 0))
        paid[k] = (s + row[4], c + 1)
    counts: dict = {}
    seen = set()
    for row in a.itertuples(index=False):
        k = (row[0], row[1], row[2], row[3])
        seen.add(k)
        s, c = paid.get(k, (0, 0))
        cls = "未納" if s == 0 else "完納" if s == row[4] else "一部納付" if s < row[4] else "重複納付" if c > 1 else "過誤納"
        counts[cls] = counts.get(cls, 0) + 1
    counts["収納のみ"] = sum(1 for k in paid if k not in seen)
    return counts


def xlsx_bench(rows: int) -> tuple[float, float]:
    from openpyxl import Workbook, load_workbook

    from robots.workbook.values import read_values

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("調定簿")
        ws.append(["宛名番号", "氏名", "年度", "税目", "期別", "調定額", "納期限"])
        for i in range(rows):
            ws.append([f"{i:010d}", "ヤマダ タロウ", 2026, "01", "01", 12300 + i % 100, "令和8年5月31日"])
        wb.save(path)
        t0 = time.perf_counter()
        fast = read_values(path)
        t_fast = time.perf_counter() - t0
        t0 = time.perf_counter()
        wb2 = load_workbook(path, read_only=True)
        slow = [list(r) for r in wb2.active.iter_rows(values_only=True)]
        t_slow = time.perf_counter() - t0
        assert len(fast) == len(slow) == rows + 1
    return t_fast, t_slow


def fill_bench(rows: int) -> float:
    """Seconds for ``fill_table`` to write ``rows`` x 11 columns into the standard template."""
    from datetime import date

    from openpyxl import load_workbook

    from robots.reconcile.template import DETAIL_COLUMNS
    from robots.workbook.template import fill_table

    a, _ = make_data(rows)
    t = a.assign(氏名="ヤマダ タロウ", 納期限=date(2026, 5, 31), 収納額=a["調定額"], 差額=0, 収納件数=1, 区分="完納")
    wb = load_workbook(Path(__file__).resolve().parent.parent / "scenarios" / "templates" / "tax_reconciliation.xlsx")
    t0 = time.perf_counter()
    fill_table(wb["明細"], "A5", DETAIL_COLUMNS, t[DETAIL_COLUMNS])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-sample", type=int, default=100_000)
    ap.add_argument("--xlsx-rows", type=int, default=200_000)
    ap.add_argument("--fill-rows", type=int, default=20_000)
    args = ap.parse_args()

    q: mp.Queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=vectorised, args=(args.rows, q))
    proc.start()
    secs, peak_mb, total_rows, n_pay = q.get()
    proc.join()
    print(f"reconcile vectorised: {args.rows:,} assessments x {n_pay:,} payments -> {total_rows:,} result rows "
          f"in {secs:.2f} s, peak RSS {peak_mb:,.0f} MB (incl. data generation)")

    a, p = make_data(args.naive_sample)
    t0 = time.perf_counter()
    naive(a, p)
    t_naive = (time.perf_counter() - t0) * args.rows / args.naive_sample
    print(f"reconcile naive row loop: {t_naive:.2f} s extrapolated from {args.naive_sample:,} rows "
          f"-> vectorised is {t_naive / secs:.1f}x faster")
    target = "OK" if secs < 10 and peak_mb < 2048 else "MISSED"
    print(f"target 1M x 1M < 10 s and < 2 GB: {target}")

    t_fast, t_slow = xlsx_bench(args.xlsx_rows)
    print(f"read {args.xlsx_rows:,}-row xlsx: calamine {t_fast:.2f} s vs openpyxl read-only {t_slow:.2f} s "
          f"-> {t_slow / t_fast:.1f}x faster")

    t_fill = fill_bench(args.fill_rows)
    print(f"fill template 明細: {args.fill_rows:,} rows x 11 columns in {t_fill:.2f} s (formats kept)")


if __name__ == "__main__":
    main()

"""Benchmark: 調定・収納照合 at scale, and reading large workbooks.

1. Reconcile N assessments against N payments (default 1,000,000 each) with the robot (match,
   収納のみ explained, sanity checks); report seconds and peak memory (each measured in its own
   child process). Compare, in the same run and on the same data, with what an analyst would
   write: ``pandas.merge`` + ``numpy.select``, and DuckDB SQL (GROUP BY + FULL OUTER JOIN + CASE;
   ``pip install '.[bench]'``). All three must give the same counts per 区分. The old comparison
   (a Python row loop with dicts, extrapolated from a sample) is kept.
2. Read a 200,000-row xlsx with python-calamine (the robot's fast path) vs openpyxl read-only.
3. Fill the standard report template (明細, 13 columns) with 20,000 rows, formats kept.

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
    stray = max(1, n // 200)  # 収納のみ: payments whose 宛名番号 no assessment has
    p.loc[p.index[:stray], "宛名番号"] = pd.Series(np.arange(stray) + 9_000_000_000).map("{:010d}".format).to_numpy()
    return a, p


def counts(summary) -> dict:
    return {str(k): int(v) for k, v in zip(summary["区分"], summary["件数"]) if str(k) != "合計" and int(v)}


def robot(a, p) -> dict:
    """The robot's path: reconcile + 収納のみ explained + sanity checks (as reconcile.match runs them)."""
    from kyodo.robots.reconcile.checks import sanity_checks
    from kyodo.robots.reconcile.match import explain_unassessed, reconcile, summarize

    r = explain_unassessed(reconcile(a, p, KEYS), a, KEYS)
    sanity_checks(r, a, p, KEYS, min_match_rate=0.9)
    return counts(summarize(r))


def pandas_merge(a, p) -> dict:
    """What an analyst writes with pandas: groupby the payments, outer merge, numpy.select."""
    import numpy as np
    import pandas as pd

    paid = p.groupby(KEYS, as_index=False).agg(収納額=("収納額", "sum"), 収納件数=("収納額", "size"))
    m = pd.merge(a, paid, on=KEYS, how="outer", indicator=True)
    s, c, t = m["収納額"].fillna(0), m["収納件数"].fillna(0), m["調定額"]
    m["区分"] = np.select([m["_merge"] == "right_only", s == 0, s == t, s < t, c > 1],
                          ["収納のみ", "未納", "完納", "一部納付", "重複納付"], default="過誤納")
    return {k: int(v) for k, v in m["区分"].value_counts().items()}


DUCKDB_SQL = """
WITH paid AS (SELECT 宛名番号, 年度, 税目, 期別, SUM(収納額) AS s, COUNT(*) AS c FROM p GROUP BY ALL),
m AS (SELECT a.調定額 AS t, paid.s, paid.c FROM a FULL OUTER JOIN paid USING (宛名番号, 年度, 税目, 期別)),
r AS (SELECT CASE WHEN t IS NULL THEN '収納のみ' WHEN s IS NULL OR s = 0 THEN '未納' WHEN s = t THEN '完納'
                  WHEN s < t THEN '一部納付' WHEN c > 1 THEN '重複納付' ELSE '過誤納' END AS 区分 FROM m)
SELECT 区分, COUNT(*) AS 件数 FROM r GROUP BY 区分
"""


def duckdb_sql(a, p) -> dict:
    """What an analyst writes in DuckDB SQL over the same DataFrames."""
    import duckdb

    con = duckdb.connect()
    con.register("a", a)
    con.register("p", p)
    return {k: int(v) for k, v in con.execute(DUCKDB_SQL).fetchall()}


def measure(name: str, n: int, out: mp.Queue) -> None:
    """In a child process: generate the data, time one method, report seconds, peak RSS and its counts."""
    a, p = make_data(n)
    fn = {"robot": robot, "pandas": pandas_merge, "duckdb": duckdb_sql}[name]
    t0 = time.perf_counter()
    result = fn(a, p)
    secs = time.perf_counter() - t0
    out.put((secs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result, len(p)))


def in_child(name: str, n: int) -> tuple[float, float, dict, int]:
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=measure, args=(name, n, q))
    proc.start()
    got = q.get()
    proc.join()
    return got


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

    from kyodo.robots.workbook.values import read_values

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


def fill_bench(rows: int) -> tuple[float, int]:
    """Seconds for ``fill_table`` to write ``rows`` rows of the 明細 columns into the standard template, and how many columns."""
    from datetime import date

    from openpyxl import load_workbook

    from kyodo.robots.reconcile.template import DETAIL_COLUMNS
    from kyodo.robots.workbook.template import fill_table

    a, _ = make_data(rows)
    t = a.assign(**{"氏名・名称": "ヤマダ タロウ", "法人番号": "", "確認事項": ""}, 納期限=date(2026, 5, 31), 収納額=a["調定額"],
                 差額=0, 収納件数=1, 区分="完納")
    wb = load_workbook(Path(__file__).resolve().parent.parent / "scenarios" / "templates" / "tax_reconciliation.xlsx")
    t0 = time.perf_counter()
    fill_table(wb["明細"], "A5", DETAIL_COLUMNS, t[DETAIL_COLUMNS])
    return time.perf_counter() - t0, len(DETAIL_COLUMNS)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-sample", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--xlsx-rows", type=int, default=200_000)
    ap.add_argument("--fill-rows", type=int, default=20_000)
    args = ap.parse_args()

    try:
        import duckdb  # noqa: F401
        methods = ["robot", "pandas", "duckdb"]
    except ImportError:
        methods = ["robot", "pandas"]
        print("DuckDB SQL: skipped (pip install '.[bench]')")
    best: dict[str, tuple[float, float, dict, int]] = {}
    for _ in range(args.repeat):  # interleaved, best of N: a shared machine's load hits every method alike
        for m in methods:
            got = in_child(m, args.rows)
            if m not in best or got[0] < best[m][0]:
                best[m] = got
    secs, peak_mb, counted, n_pay = best["robot"]
    print(f"reconcile robot (match + 収納のみ explained + sanity checks): {args.rows:,} assessments x {n_pay:,} payments "
          f"in {secs:.2f} s (best of {args.repeat}), peak RSS {peak_mb:,.0f} MB (incl. data generation)")
    for m, label in (("pandas", "pandas.merge + numpy.select"), ("duckdb", "DuckDB SQL")):
        if m in best:
            t, mb, other, _ = best[m]
            assert other == counted, (m, other, counted)
            print(f"{label} (analyst): {t:.2f} s, peak RSS {mb:,.0f} MB -> {m} takes {t / secs:.2f}x the robot's time "
                  f"(same counts per 区分)")

    a, p = make_data(args.naive_sample)
    t0 = time.perf_counter()
    naive(a, p)
    t_naive = (time.perf_counter() - t0) * args.rows / args.naive_sample
    print(f"reconcile naive row loop: {t_naive:.2f} s extrapolated from {args.naive_sample:,} rows "
          f"-> robot is {t_naive / secs:.1f}x faster")
    if args.rows >= 1_000_000:
        target = "OK" if secs < 10 and peak_mb < 2048 else "MISSED"
        print(f"target 1M x 1M < 10 s and < 2 GB: {target}")

    t_fast, t_slow = xlsx_bench(args.xlsx_rows)
    print(f"read {args.xlsx_rows:,}-row xlsx: calamine {t_fast:.2f} s vs openpyxl read-only {t_slow:.2f} s "
          f"-> {t_slow / t_fast:.1f}x faster")

    t_fill, n_cols = fill_bench(args.fill_rows)
    print(f"fill template 明細: {args.fill_rows:,} rows x {n_cols} columns in {t_fill:.2f} s (formats kept)")


if __name__ == "__main__":
    main()

"""Benchmark: the cost of progress inside an action, per tick, against a rich bar updated per row.

1. ``ctx.steps`` with nobody listening (a scheduled run, no CLI): what a robot's hot loop pays.
2. ``ctx.steps`` with the engine's sink and a rich bar behind it (``kyodo run``): throttled to a few
   reports a second, so the bar is redrawn a handful of times however many rows there are.
3. The obvious alternative: ``Progress.update`` on a rich bar for every row (what one would write
   with tqdm / rich directly), same rows, same run. Reported: ns per row and the ratio.

Run: .venv/bin/python bench/bench_progress.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _loop(ctx: object, rows: int) -> float:
    start = time.perf_counter()
    with ctx.steps(rows, "行") as tick:  # type: ignore[attr-defined]
        for _ in tick.each(range(rows)):
            pass
    return time.perf_counter() - start


def main() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from kyodo.robots.context import RunContext
    from kyodo.robots.progress import ProgressReporter

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    rows = ap.parse_args().rows
    quiet = RunContext(run_id="bench", artifact_dir=Path("/tmp"))
    t_quiet = _loop(quiet, rows)

    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    reports = []
    with Progress(console=console) as bar:
        task = bar.add_task("行", total=rows)

        def sink(t: object) -> None:
            reports.append(t)
            bar.update(task, completed=t.done, total=t.total)  # type: ignore[attr-defined]

        watched = RunContext(run_id="bench", artifact_dir=Path("/tmp"), progress_reporter=ProgressReporter(sink))
        t_watched = _loop(watched, rows)
    with Progress(console=Console(file=io.StringIO(), force_terminal=True, width=100)) as bar:
        task = bar.add_task("行", total=rows)
        start = time.perf_counter()
        for _ in range(rows):
            bar.update(task, advance=1)
        t_direct = time.perf_counter() - start
    ns = 1e9 / rows
    print(f"rows: {rows:,}")
    print(f"ctx.steps, nobody listening : {t_quiet * ns:8.0f} ns/row")
    print(f"ctx.steps, rich bar (CLI)   : {t_watched * ns:8.0f} ns/row, {len(reports)} reports to the bar")
    print(f"rich Progress.update per row: {t_direct * ns:8.0f} ns/row, {rows:,} updates")
    print(f"ratio (per-row rich / ctx.steps watched): {t_direct / t_watched:.1f}x")


if __name__ == "__main__":
    main()

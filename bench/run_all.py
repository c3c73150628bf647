"""Run every benchmark in bench/ (``make bench``) one after another and print their figures.

Each ``bench_*.py`` is standalone and prints its own figures, including a ratio against the
obvious alternative measured in the same run. Pass names to run a subset: ``bench/run_all.py faq ocr``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(a in s.stem for a in argv)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {script.stem}: exit {rc}, {time.monotonic() - t0:.1f} s", flush=True)
        failed |= rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""What the hostile-input policy costs on good files, and what it saves on bad ones.

1. A 200,000-row Shift_JIS CSV: ``read_csv_file`` (decode + every check + pandas) vs plain
   ``pd.read_csv`` (what a script would use, with no checks at all).
2. A 1,741-municipality registry-sized YAML: ``parse_yaml`` (event guard + libyaml load) vs a
   bare ``yaml.load`` with the C safe loader.
3. A deflate bomb (one 100 MB cell): refused by the zip-directory check vs opened by python-calamine
   (what the ledger reader did before) — the time and memory the check saves.
4. Writing a 20,000-row report: the formula/limit policy per cell vs the same writer without it.

Run: ``.venv/bin/python bench/bench_hostile.py`` (also part of ``make bench``).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_csv(tmp: Path) -> None:
    import pandas as pd

    from kyodo.robots.excel.csvread import read_csv_file

    lines = ["受付番号,氏名,住所,状態,備考"] + [f'{i:07d},山田 太郎{i},山口県山口市{i}番地,受付,"メモ, {i}"' for i in range(200_000)]
    path = tmp / "big.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    checked = _time(lambda: read_csv_file(path))
    plain = _time(lambda: pd.read_csv(io.StringIO(path.read_bytes().decode("cp932")), dtype=str, keep_default_na=False))
    print(f"CSV 200,000 rows ({path.stat().st_size / 1e6:.1f} MB): with the policy {checked:.2f} s vs plain pandas "
          f"{plain:.2f} s (x{checked / plain:.2f})")


def bench_yaml() -> None:
    import yaml

    from kyodo.core.yamlfile import parse_yaml

    text = "municipalities:\n" + "".join(
        f'  - code: "{10000 + i:06d}"\n    name: 町{i}\n    portal_url: https://portal.example/{i}\n'
        f"    params: {{column_map: {{申請者名: 氏名}}, folders: [in, out]}}\n" for i in range(1741))
    guarded = _time(lambda: parse_yaml(text, "registry.yaml"))
    bare = _time(lambda: yaml.load(text, Loader=yaml.CSafeLoader))
    print(f"YAML registry, 1,741 municipalities ({len(text.encode()) / 1e3:.0f} kB): guarded {guarded * 1e3:.0f} ms vs "
          f"bare CSafeLoader {bare * 1e3:.0f} ms (x{guarded / bare:.2f})")


_OPEN_BOMB = """
import resource, sys, time
from python_calamine import CalamineWorkbook
t0 = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, len(str(rows[0][0])))
"""


def bench_bomb(tmp: Path) -> None:
    import subprocess

    from kyodo.core.errors import BusinessError
    from kyodo.robots.workbook.values import read_values
    from tests.hostile.corpus import deflate_bomb

    bomb = tmp / "bomb.xlsx"
    deflate_bomb(bomb, megabytes=100)  # the same generator as the hostile-input corpus
    t0 = time.perf_counter()
    try:
        read_values(bomb)
    except BusinessError:
        pass
    refused = time.perf_counter() - t0
    # What the reader did before the check: python-calamine opens it (a fresh process, for a clean peak RSS).
    out = subprocess.run([sys.executable, "-c", _OPEN_BOMB, str(bomb)], capture_output=True, text=True, check=True)
    opened, rss, length = out.stdout.split()
    print(f"deflate bomb ({bomb.stat().st_size / 1e3:.0f} kB, one {int(length) / 1e6:.0f} MB cell): refused in {refused * 1e3:.1f} ms "
          f"vs python-calamine opening it {float(opened):.1f} s, peak RSS {float(rss):.0f} MB (x{float(opened) / refused:,.0f})")


def bench_write(tmp: Path) -> None:
    import pandas as pd

    import kyodo.robots.excel.report as report
    from kyodo.robots.excel._cells import cell_value

    n = 20_000
    df = pd.DataFrame({"番号": range(n), "内容": [f"=HYPERLINK(\"x{i}\")" if i % 100 == 0 else f"申請{i}" for i in range(n)],
                       "金額": [i * 10 for i in range(n)]})
    guarded = _time(lambda: report.write_workbook(tmp / "a.xlsx", [report.Sheet("a", df)]))
    original = report.write_cell

    def unguarded(cell, value, where=""):
        cell.value = v = cell_value(value)
        return v

    report.write_cell = unguarded
    try:
        bare = _time(lambda: report.write_workbook(tmp / "b.xlsx", [report.Sheet("a", df)]))
    finally:
        report.write_cell = original
    print(f"report {n:,} rows x 3 columns: with the cell policy {guarded:.2f} s vs without {bare:.2f} s (x{guarded / bare:.2f})")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_csv(tmp)
        bench_yaml()
        bench_write(tmp)
        bench_bomb(tmp)


if __name__ == "__main__":
    main()

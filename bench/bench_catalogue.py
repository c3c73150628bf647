"""Benchmark: the catalogue scenarios against what staff would otherwise do, measured in one run.

1. 転記 (child_allowance_entry): items per minute typed by the robot into the demo 基幹 system
   (real Chromium, three pages + look-up + verification per item) vs the stated manual baseline
   (6 minutes per item, from the scenario's minutes_per_item).
2. Form filling: ``fill_fields`` (one round trip describes every field) vs the obvious per-field
   Playwright code (count + type probe + fill for each field), same page, same run.
3. ワンストップ突合: share of applications matched by kyodo's keys vs an exact VLOOKUP on
   氏名+金額 (what a spreadsheet user would do), and the time for 1,000 applications.
4. 施設予約 集計: seconds per 1,000 bookings through the whole scenario vs 0.3 min/booking by hand.

Run: .venv/bin/python bench/bench_catalogue.py [--items 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def bench_entry(items: int) -> None:
    from kyodo.runner.demo.intake.data import write_workbook
    from kyodo.runner.demo.intake.serve import start_intake
    from kyodo.runner.registry import load_registry
    from kyodo.runner.submit import run_scenario

    reg = load_registry(REPO / "config" / "municipalities.yaml")
    server = start_intake(reg)
    try:
        code = "352039"
        write_workbook(Path(os.environ["KYODO_HOME"]) / "data" / code / "転記/児童手当_受付一覧.xlsx", code, "山口市",
                       n=items, problems=False)
        t0 = time.monotonic()
        [r] = run_scenario("child_allowance_entry", [code], {"system_url": f"{server.url}/{code}/kikan"})
        secs = time.monotonic() - t0
    finally:
        server.stop()
    per = secs / items
    print(f"転記: {items} 件 {secs:.1f} 秒（{per:.2f} 秒/件、状態 {r.status}）; 手作業 6 分/件 → {360 / per:.0f} 倍速")


def bench_fill(rounds: int = 10) -> None:
    from playwright.sync_api import sync_playwright

    from kyodo.robots.browser import CHROMIUM_ARGS, chromium_path
    from kyodo.robots.browser.forms import fill_fields

    html = "<form>" + "".join(f"<input name='f{i}'>" for i in range(12)) + \
           "<select name='s'><option>父</option><option>母</option></select>" + \
           "<label><input type=radio name='r' value='男'>男</label><label><input type=radio name='r' value='女'>女</label></form>"
    fields = {f"f{i}": f"値{i}" for i in range(12)} | {"s": "母", "r": "女"}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        pg = b.new_page()
        pg.set_content(html)
        t0 = time.monotonic()
        for _ in range(rounds):
            fill_fields(pg, fields, Path)
        ours = (time.monotonic() - t0) / rounds
        t0 = time.monotonic()
        for _ in range(rounds):
            for k, v in fields.items():
                loc = pg.locator(f'[name="{k}"]')
                loc.count()
                kind = loc.first.evaluate("e => e.tagName + (e.type || '')")
                if kind.startswith("SELECT"):
                    loc.first.select_option(label=v)
                elif "radio" in kind:
                    pg.locator(f'[name="{k}"][value="{v}"]').check()
                else:
                    loc.first.fill(v)
        naive = (time.monotonic() - t0) / rounds
        b.close()
    print(f"フォーム入力（14 項目）: fill_fields {ours * 1000:.0f} ms / 項目ごとの素朴な実装 {naive * 1000:.0f} ms → {naive / ours:.2f} 倍")


def bench_match(n: int = 1000) -> None:
    import pandas as pd

    from kyodo.robots.furusato.ledger import build
    from kyodo.robots.furusato.match import match
    from kyodo.runner.demo.catalogue.furusato import donors

    ds = donors("bench", int(n * 1.5))
    table = pd.DataFrame([{"ポータル": "A", "寄附ID": d["id"], "寄附日": d["date"], "寄附者氏名": d["kanji"], "寄附者カナ": d["kana"],
                           "郵便番号": d["zip"], "住所": f"{d['pref']}{d['city']}{d['chome']}-{d['ban']}-{d['go']}",
                           "寄附金額": d["amount"], "ワンストップ希望": "希望"} for d in ds])
    ledger, _ = build(table, "市")
    apps = pd.DataFrame([{"申請番号": f"OS{i}", "氏名": d["common"] if i % 2 else d["kanji"], "氏名カナ": d["kana"],
                          "郵便番号": d["zip"], "住所": f"{d['pref']}{d['city']}{'一二三四五'[d['chome'] - 1]}丁目{d['ban']}番{d['go']}号",
                          "寄附金額": d["amount"]} for i, d in enumerate(ds[:n])])
    t0 = time.monotonic()
    rows, _ = match(ledger, apps)
    secs = time.monotonic() - t0
    ours = sum(r["判定"].startswith("一致") for r in rows) / n
    exact = apps.merge(ledger, left_on=["氏名", "寄附金額"], right_on=["寄附者氏名", "寄附金額"], how="left", indicator=True)
    vlookup = exact.drop_duplicates("申請番号")["_merge"].eq("both").mean()
    print(f"ワンストップ突合（{n} 件 × 寄附 {len(ledger)} 件）: {secs:.1f} 秒; 突合率 kyodo {ours:.0%} / 氏名+金額の完全一致 {vlookup:.0%}")


def bench_facility(n: int = 3000) -> None:
    from kyodo.runner.demo.catalogue.facility import write_facility
    from kyodo.runner.submit import run_scenario

    code = "352039"
    write_facility(Path(os.environ["KYODO_HOME"]) / "data" / code / "施設予約", code, n=n)
    t0 = time.monotonic()
    [r] = run_scenario("facility_usage", [code])
    secs = time.monotonic() - t0
    print(f"施設予約 集計: {n} 件 {secs:.1f} 秒（{r.status}）; 手作業 0.3 分/件 = {n * 0.3 / 60:.1f} 時間 → {n * 18 / secs:.0f} 倍速")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["KYODO_HOME"] = home
        os.environ["KYODO_REGISTRY"] = str(REPO / "config" / "municipalities.yaml")
        from kyodo.runner.demo.run_demo import set_demo_passwords
        from kyodo.runner.registry import load_registry

        set_demo_passwords(load_registry(REPO / "config" / "municipalities.yaml"))
        bench_fill()
        bench_match()
        bench_facility()
        bench_entry(args.items)
        from kyodo.robots.browser import shutdown

        shutdown()


if __name__ == "__main__":
    main()

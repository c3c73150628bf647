"""転記 (child_allowance_entry) against the demo 基幹 system with real Chromium.

Proves: one entry per 受付番号 across reruns, a crash (the whole process group killed mid-batch)
and session time-outs; server-side refusals and duplicates end as 要確認 with the system's reason
while the batch goes on; results are written back into the staff's workbook; a second workbook
layout and a held-out third layout are served by configuration alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kyodo.runner.demo.intake.data import write_workbook
from kyodo.runner.submit import run_scenario
from tests.catalogue.conftest import records, state

SCENARIO = "child_allowance_entry"
CODE = "352039"  # 山口市: the standard layout
BOOK = "転記/児童手当_受付一覧.xlsx"


def run(server, code: str = CODE, **params):
    [r] = run_scenario(SCENARIO, [code], {"system_url": f"{server.url}/{code}/kikan", **params})
    return r


def results_in_book(path: Path, sheet: str | int = 0) -> dict[str, tuple[str, str]]:
    """受付番号 → (転記結果, 確認理由) as written back into the workbook."""
    wb = load_workbook(path)
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    for row in ws.iter_rows(min_row=1, max_row=10):
        names = [c.value for c in row]
        if "転記結果" in names:
            key = next(i for i, n in enumerate(names) if n in ("受付番号", "申請番号"))
            res, why = names.index("転記結果"), names.index("確認理由")
            return {str(r[key].value): (r[res].value, r[why].value or "")
                    for r in ws.iter_rows(min_row=row[0].row + 1) if r[key].value}
    raise AssertionError("no 転記結果 column written back")


def once_each(server, code: str = CODE) -> Counter:
    counts = Counter(r["receipt_no"] for r in records(server, code))
    assert all(n == 1 for n in counts.values()), f"entered twice: {counts}"
    return counts


def test_entry_verifies_flags_refusals_and_never_enters_twice(intake, data_dir):
    server = intake(slow_every=7, slow_seconds=0.3)
    rows = write_workbook(data_dir(CODE) / BOOK, CODE, "山口市", n=5)
    first = run(server)
    assert first.status == "partial" and first.items_ok == 3 and first.items_failed == 2
    saved = {r["receipt_no"]: r for r in records(server, CODE)}
    good = [r[0] for r in rows[:3]]
    assert sorted(saved) == sorted(good)
    # what the system holds is what the workbook said (dates typed into <input type=date>, select by label)
    r0 = saved[rows[0][0]]
    assert (r0["applicant_name"], r0["applicant_birth"], r0["relationship"], r0["child_gender"], r0["account_no"]) == (
        rows[0][1], rows[0][3].isoformat(), rows[0][7], rows[0][10], rows[0][13])
    book = results_in_book(data_dir(CODE) / BOOK)
    assert [book[k][0] for k in good] == ["入力済"] * 3
    bad_zip, dup = rows[3][0], rows[4][0]
    assert book[bad_zip][0] == "要確認" and "郵便番号" in book[bad_zip][1]
    assert book[dup][0] == "要確認" and "同一の申請者" in book[dup][1]
    assert {e["item"] for e in first.item_errors} == {f"受付番号 {bad_zip}", f"受付番号 {dup}"}
    # the staff's own formatting survives the write-back
    assert load_workbook(data_dir(CODE) / BOOK).active["A1"].font.bold
    second = run(server)
    assert second.items_ok == 0 and once_each(server) == Counter(good)
    assert results_in_book(data_dir(CODE) / BOOK)[good[0]][0] == "入力済"


def test_lookup_first_even_without_the_journal(intake, data_dir):
    """The journal is a record, not the guard: with it deleted, the look-up still prevents a second entry."""
    server = intake()
    rows = write_workbook(data_dir(CODE) / BOOK, CODE, "山口市", n=2, problems=False)
    assert run(server).status == "succeeded"
    for j in (data_dir(CODE) / "転記").glob("*.jsonl"):
        j.unlink()
    again = run(server)
    assert again.status == "succeeded" and again.items_ok == 2
    assert once_each(server) == Counter(r[0] for r in rows)
    assert all("登録済みを確認" in why for _, why in results_in_book(data_dir(CODE) / BOOK).values())


def test_session_timeouts_and_slow_answers_never_duplicate(intake, data_dir):
    server = intake(session_seconds=5, slow_every=4, slow_seconds=0.3)
    rows = write_workbook(data_dir(CODE) / BOOK, CODE, "山口市", n=5, problems=False)
    for _ in range(5):
        r = run(server)
        once_each(server)
        if r.status == "succeeded":
            break
    assert r.status == "succeeded", r.item_errors
    assert state(server).expired >= 1  # the system really threw the robot out at least once
    assert once_each(server) == Counter(x[0] for x in rows)
    assert {v[0] for v in results_in_book(data_dir(CODE) / BOOK).values()} == {"入力済"}


def test_crash_mid_batch_then_rerun_completes_without_duplicates(intake, data_dir, kyodo_home):
    server = intake(slow_every=3, slow_seconds=0.5)
    rows = write_workbook(data_dir(CODE) / BOOK, CODE, "山口市", n=5, problems=False)
    kyodo = Path(sys.executable).with_name("kyodo")
    proc = subprocess.Popen([str(kyodo), "run", SCENARIO, "-m", CODE, "--param", f"system_url={server.url}/{CODE}/kikan"],
                            env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(records(server, CODE)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the robot, its Playwright driver and Chromium, mid-batch
        proc.wait(timeout=10)
    before = len(records(server, CODE))
    assert 2 <= before < len(rows), "the kill must land mid-batch"
    journal = next((data_dir(CODE) / "転記").glob("*.jsonl"))
    journaled = len(journal.read_text(encoding="utf-8").splitlines())
    assert journaled <= before  # an item may be saved in the system but not yet in the journal
    r = run(server)
    assert r.status == "succeeded", r.item_errors
    assert once_each(server) == Counter(x[0] for x in rows)
    assert r.items_ok == len(rows) - journaled  # saved-but-unjournaled ones were looked up and verified
    results = results_in_book(data_dir(CODE) / BOOK)
    assert {v[0] for v in results.values()} == {"入力済"}
    assert sum("登録済みを確認" in why for _, why in results.values()) == before - journaled


@pytest.mark.parametrize("code,layout,params", [
    ("352012", "town", {}),  # 下関市: its own headings, 和暦, 全角 digits (config/municipalities/352012.yaml)
    ("352039", "heldout", {"sheet": "申請一覧"}),  # held out of tuning: other order, R5.4.1, list on the 2nd sheet
])
def test_other_workbook_layouts_by_configuration(intake, data_dir, code, layout, params):
    server = intake()
    book = "転記/児童手当_請求一覧.xlsx" if code == "352012" else BOOK
    rows = write_workbook(data_dir(code) / book, code, "下関市", n=2, layout=layout, problems=False)
    r = run(server, code, **params)
    assert r.status == "succeeded", r.error or r.item_errors
    saved = {x["receipt_no"]: x for x in records(server, code)}
    assert sorted(saved) == sorted(x[0] for x in rows)
    assert saved[rows[0][0]]["zip"] == rows[0][4] and saved[rows[0][0]]["child_birth"] == rows[0][9].isoformat()
    assert set(results_in_book(data_dir(code) / book, params.get("sheet", 0)).values()) == {("入力済", "")}


def test_missing_system_url_is_a_clear_error(intake, data_dir):
    write_workbook(data_dir("352047") / BOOK, "352047", "萩市", n=1, problems=False)
    [r] = run_scenario(SCENARIO, ["352047"])
    assert r.status == "failed" and "system_url" in r.error

"""A ``kyodo run`` killed mid-run is marked interrupted at the next start; a re-run publishes one output.

The run is made to hang for real: its input CSV is a named pipe nobody writes to, so
``excel.read_csv`` blocks inside the standard action until the process is SIGKILLed.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

KYODO = str(Path(sys.executable).parent / "kyodo")
SCENARIO = """\
name: crash_probe
title: 中断と再実行の試験
version: "1.0"
minutes_per_item: 3
steps:
  - id: table
    action: excel.read_csv
    with:
      path: 申請.csv
  - id: rows
    action: table.concat
    with:
      items: ["${table}"]
      label_column: ""
  - action: excel.write_report
    with:
      path: 結果_${run.yyyymmdd}.xlsx
      summary: ${rows}
"""


def cli(*args, timeout=120):
    return subprocess.run([KYODO, *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ))


def test_killed_run_is_interrupted_then_rerun_without_duplicate_outputs(kyodo_home, user_scenarios):
    from kyodo.runner.store import open_store

    user_scenarios("crash_probe", SCENARIO)
    inbox = kyodo_home / "data" / "352039"
    inbox.mkdir(parents=True)
    os.mkfifo(inbox / "申請.csv")  # reading blocks: the run hangs inside a real step

    proc = subprocess.Popen([KYODO, "run", "crash_probe", "-m", "352039"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=dict(os.environ))
    store = open_store()
    try:
        deadline = time.monotonic() + 60
        while not any(s.action == "excel.read_csv" for r in store.list_runs() for s in store.get_run(r.id).steps):
            assert proc.poll() is None and time.monotonic() < deadline, "the run never reached its first step"
            time.sleep(0.1)
        [run] = store.list_runs()
        assert run.status == "running"
        busy = cli("runs", "list")  # another kyodo command while the run is alive: must not call it a crash
        assert busy.returncode == 0 and store.get_run(run.id).status == "running"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
        proc.wait(10)

    assert store.get_run(run.id).status == "running"  # nobody has looked yet
    (inbox / "申請.csv").unlink()
    (inbox / "申請.csv").write_text("受付番号,状態\n1,受付\n2,受付\n3,取下げ\n", encoding="utf-8")

    first = cli("runs", "rerun", run.id)  # start-up marks the dead run interrupted, then re-runs it
    assert first.returncode == 0, first.stdout + first.stderr
    dead = store.get_run(run.id)
    assert dead.status == "interrupted" and dead.error_class == "application" and "再実行" in dead.error_message
    [rerun] = [r for r in store.list_runs() if r.rerun_of == run.id]
    assert (rerun.status, rerun.trigger, rerun.items_ok, rerun.logical_date) == ("succeeded", "rerun", 3, dead.logical_date)

    again = cli("runs", "rerun", run.id)  # the day's work is done: nothing is run twice
    assert again.returncode == 0 and "済（重複）" in again.stdout, again.stdout
    forced = cli("runs", "rerun", run.id, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr

    runs = store.list_runs()
    assert len(runs) == 3 and sum(r.status == "succeeded" for r in runs) == 2
    day = dead.logical_date.isoformat()
    published = list((kyodo_home / "outputs" / "352039" / "crash_probe" / day).iterdir())
    assert [p.name for p in published] == [f"結果_{day.replace('-', '')}.xlsx"], "a re-run replaces, never duplicates"
    # every attempt keeps its own run folder (the history), the published copy is the one staff use
    assert len({r.artifact_dir for r in runs}) == 3

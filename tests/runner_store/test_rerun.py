"""Re-running a run that really failed (wrong portal password): same parameters and logical date, a new record."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kyodo.runner.submit import run_scenario

KYODO = str(Path(sys.executable).parent / "kyodo")
pytestmark = pytest.mark.browser


def cli(*args):
    return subprocess.run([KYODO, *args], capture_output=True, text=True, timeout=300, env=dict(os.environ))


def test_rerun_after_failure_publishes_one_output(registry, store, kyodo_home, monkeypatch):
    good = os.environ["KYODO_SECRET_PORTAL_352047"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", "wrong-wrong")
    [failed] = run_scenario("e_application_aggregation", ["352047"], {"procedure": "施設予約"}, registry=registry,
                            store=store, logical_date=date(2026, 11, 24))
    assert failed.status == "failed" and "ログインできませんでした" in failed.error
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", good)

    first = cli("runs", "rerun", failed.run_id)
    assert first.returncode == 0, first.stdout + first.stderr
    second_id = next(r.id for r in store.list_runs() if r.rerun_of == failed.run_id)
    rerun = store.get_run(second_id)
    assert (rerun.params, rerun.trigger, rerun.logical_date, rerun.status) == ({"procedure": "施設予約"}, "rerun", date(2026, 11, 24), "succeeded")
    published = list((kyodo_home / "outputs" / "352047" / "e_application_aggregation" / "2026-11-24").glob("*.xlsx"))
    assert [p.name for p in published] == ["電子申請取りまとめ_20261124.xlsx"], "named by the logical date, not the rerun day"
    assert len(store.list_runs()) == 2
    # (repeated reruns, --force and the interrupted case: test_crash_rerun.py; list/show: test_runs_cli.py)

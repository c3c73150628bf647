"""A partial run's re-run redoes only the failed municipalities and merges with the kept results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.submit import run_scenario
from tests.profiles.conftest import sheet_rows

pytestmark = pytest.mark.browser
KYODO = str(Path(sys.executable).parent / "kyodo")


def test_rerun_of_a_partial_run_redoes_only_the_failed_town(registry, store, monkeypatch):
    good = os.environ["KYODO_SECRET_PORTAL_352047"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", "wrong-wrong")
    [first] = run_scenario("e_application_aggregation", ["352039", "352047"], registry=registry, store=store)
    assert first.status == "partial" and [e["item"] for e in first.item_errors] == ["萩市(352047)"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", good)

    p = subprocess.run([KYODO, "runs", "rerun", first.run_id], capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1 自治体" in p.stdout and "352039" in p.stdout
    again = next(r for r in store.list_runs() if r.rerun_of == first.run_id)
    rec = store.get_run(again.id)
    assert rec.status == "succeeded"
    logins = [s.item for s in rec.steps if s.action == "browser.login"]
    assert logins == ["萩市(352047)"], "山口市 was taken from the first run, not fetched again"
    assert rec.items_ok == len(applications_for("352047", "萩市")), "kept rows are not counted twice"
    wb = load_workbook(next(Path(rec.artifact_dir).glob("*.xlsx")))
    assert wb.sheetnames == ["集計", "山口市", "萩市"]
    assert len(sheet_rows(wb["山口市"])) == len(applications_for("352039", "山口市"))
    assert len(sheet_rows(wb["萩市"])) == len(applications_for("352047", "萩市"))
    assert not [a for a in rec.artifacts if ".items" in a.path], "kept results are working state, never an artifact"

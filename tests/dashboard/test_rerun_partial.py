"""The dashboard's re-run of a partial multi-municipality run follows the CLI's rule: only the failed town is redone, and merged."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.submit import run_scenario
from tests.dashboard.conftest import PASSWORDS, csrf_of, login
from tests.profiles.conftest import sheet_rows

pytestmark = pytest.mark.browser


def test_prefecture_reruns_a_partial_run_from_the_dashboard_and_only_the_failed_town_is_redone(registry, store, monkeypatch):
    from kyodo.core.settings import get_settings
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.users import add_user
    from kyodo.runner.store import RunFilter

    good = os.environ["KYODO_SECRET_PORTAL_352047"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", "wrong-wrong")
    [first] = run_scenario("e_application_aggregation", ["352039", "352047"], registry=registry, store=store)
    assert first.status == "partial" and [e["item"] for e in first.item_errors] == ["萩市(352047)"]
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352047", good)

    add_user(store, "pref", PASSWORDS["pref"], None, "県 職員")
    with TestClient(create_app(store, registry, get_settings(), session_secret="s")) as c:
        assert login(c, "pref").status_code == 303
        page = c.get(f"/runs/{first.run_id}").text
        assert 'id="rerun"' in page
        r = c.post(f"/runs/{first.run_id}/rerun", data={"csrf": csrf_of(page)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        deadline = time.monotonic() + 180
        while not (done := [x for x in store.list_runs(RunFilter(rerun_of=first.run_id)) if x.status not in ("queued", "running")]):
            assert time.monotonic() < deadline, "the re-run never finished"
            time.sleep(0.3)
        again = c.post(f"/runs/{first.run_id}/rerun", data={"csrf": csrf_of(page)})
        assert again.status_code == 409 and "既に再実行されています" in again.text, "the same rule as kyodo runs rerun"

    rec = store.get_run(done[0].id)
    assert rec.status == "succeeded", rec.error_message  # not skipped as a duplicate of the partial day
    assert [s.item for s in rec.steps if s.action == "browser.login"] == ["萩市(352047)"], "山口市 was taken over, not fetched again"
    wb = load_workbook(next(Path(rec.artifact_dir).glob("*.xlsx")))
    assert wb.sheetnames == ["集計", "山口市", "萩市"]
    assert len(sheet_rows(wb["山口市"])) == len(applications_for("352039", "山口市"))
    assert len(sheet_rows(wb["萩市"])) == len(applications_for("352047", "萩市"))

"""kyodo.runner.rerun: the one rule the CLI and the dashboard share (parts, running re-runs, finished days, the day's key)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from kyodo.runner.rerun import AlreadyDone, RerunRefused, refusal, start_rerun

TOWNS = ["352021", "352039", "352047"]


def run(status="partial", towns=TOWNS, failed=("352021", "352047")):
    steps = [SimpleNamespace(step="login", item=f"町({c})", status="failed" if c in failed else "succeeded", message="x")
             for c in towns]
    return SimpleNamespace(id="r1", status=status, municipality="350001", municipalities=list(towns), steps=steps, artifacts=[])


def rerun(status, towns):
    return SimpleNamespace(id=f"re-{status}-{towns[0]}", status=status, municipality=towns[0] if len(towns) == 1 else "350001",
                           municipalities=list(towns))


def test_the_rule_per_run_and_per_part():
    assert refusal(run(), []) is None
    assert refusal(run(), [], part="352021") is None
    assert isinstance(refusal(run(), [], part="352039"), AlreadyDone), "山口市's part did not fail"
    assert type(refusal(run(), [], part="999999")) is RerunRefused
    busy = [rerun("running", ["352021"])]
    assert "既に動いています" in refusal(run(), busy).message, "the whole run covers 宇部市 too"
    assert "既に動いています" in refusal(run(), busy, part="352021").message
    assert refusal(run(), busy, part="352047") is None, "another town's part is independent"
    ube_done = [rerun("succeeded", ["352021"])]
    assert isinstance(refusal(run(), ube_done, part="352021"), AlreadyDone)
    assert refusal(run(), ube_done, part="352047") is None
    assert refusal(run(), [rerun("failed", TOWNS)]) is None, "a failed re-run may be re-run again"
    assert isinstance(refusal(run(status="succeeded"), []), AlreadyDone)
    assert refusal(run(status="succeeded"), [], force=True) is None
    assert "実行中" in refusal(run(status="running"), [], force=True).message


def test_start_rerun_claims_once_and_frees_the_partial_day(store, tmp_path):
    original = store.create_run(scenario="s", version="1", municipality="350001", municipalities=TOWNS, trigger="schedule",
                                params={"procedure": "施設予約"}, artifact_dir="", logical_date=date(2026, 11, 24),
                                idempotency_key="s:350001:2026-11-24")
    store.update_run(original.id, status="partial")
    plan = start_rerun(store, store.get_run(original.id), runs_dir=tmp_path, requested_by="cli:test")
    assert (plan.resume_from, plan.rerun_of, plan.params) == (original.id, original.id, {"procedure": "施設予約"})
    assert store.get_run(plan.run_id).status == "queued" and store.find_by_key("s:350001:2026-11-24") is None, \
        "the partial run gave the day back: its re-run is not skipped as a duplicate"
    with pytest.raises(RerunRefused, match="既に動いています"):
        start_rerun(store, store.get_run(original.id), runs_dir=tmp_path, requested_by="dashboard:pref")


def test_a_rerun_of_an_own_scenario_file_repeats_that_file(kyodo_home, tmp_path, store):
    from kyodo.core.settings import get_settings
    from kyodo.runner.executors.local import LocalExecutor
    from kyodo.runner.registry import load_registry
    from kyodo.runner.rerun import start_rerun as start
    from kyodo.runner.submit import run_scenario
    from tests.conftest import REGISTRY

    own = tmp_path / "desk" / "probe.yaml"  # the DX leader's file: in no scenario folder, then edited after the run
    own.parent.mkdir()
    own.write_text(OWN, encoding="utf-8")
    registry = load_registry(REGISTRY)
    [failed] = run_scenario(str(own), ["352039"], registry=registry, store=store)
    assert failed.status == "failed" and "申請.csv" in failed.error
    own.write_text(OWN.replace("申請.csv", "別.csv"), encoding="utf-8")
    (kyodo_home / "data" / "352039").mkdir(parents=True)
    (kyodo_home / "data" / "352039" / "申請.csv").write_text("受付番号,状態\n1,受付\n2,受付\n", encoding="utf-8")
    plan = start(store, store.get_run(failed.run_id), runs_dir=get_settings().runs_dir, requested_by="cli:test")
    [again] = LocalExecutor(registry, store, get_settings()).submit([plan])
    assert again.status == "succeeded" and len(again.outputs["table"]) == 2, again.error  # the text that ran first, not the edited file


OWN = """\
name: own_probe
title: 手元のシナリオ
steps:
  - id: table
    action: excel.read_csv
    with: {path: 申請.csv}
  - action: excel.write_report
    with: {path: 結果.xlsx, summary: "${table}"}
"""

"""``kyodo run ./my.yaml`` on Celery: the worker runs that file's text, and refuses a text that does not match its hash."""

from datetime import date

import pytest

from tests.celery.conftest import wait_for

pytestmark = pytest.mark.redis

MINE = """
name: slow_job
title: DX担当者の手元のファイル
zone: lgwan
steps:
  - action: testing.slow_write
    with: {seconds: 0.1, name: "${params.out}"}
params:
  out: {type: str, default: mine.txt}
"""


def test_a_scenario_file_runs_as_written_on_a_worker_and_a_changed_text_is_refused(celery_env, tmp_path):
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario
    from kyodo.runner.worker.app import celery_app

    own = tmp_path / "elsewhere" / "my.yaml"  # outside the scenario folders, and named like the worker's own slow_job
    own.parent.mkdir()
    own.write_text(MINE, encoding="utf-8")
    celery_env["start_worker"]()
    [queued] = run_scenario(str(own), ["352039"], logical_date=date(2026, 11, 24))
    store = open_store()
    run = wait_for(lambda: (r := store.get_run(queued.run_id)) and r.status in ("succeeded", "failed") and r, 60, "the run")
    assert run.status == "succeeded", run.error_message
    folder = celery_env["home"] / "runs" / "352039" / run.id
    assert (folder / "mine.txt").is_file() and not (folder / "output.txt").exists(), "the file's steps, not the worker's slow_job"

    from kyodo.runner.plan import RunPlan, attach_scenario_file

    plan = RunPlan(scenario="slow_job", owner="352039", municipalities=["352039"], run_id="tampered-1")
    attach_scenario_file([plan], own, MINE)
    payload = plan.model_dump(mode="json") | {"scenario_text": MINE.replace("0.1", "0.2")}  # changed on the way
    store.create_run(run_id="tampered-1", scenario="slow_job", version="1", municipality="352039", municipalities=["352039"],
                     trigger="manual", params={}, artifact_dir="", status="queued")
    celery_app().send_task("kyodo.run", kwargs={"payload": payload}, queue="kyodo.lgwan")
    refused = wait_for(lambda: (r := store.get_run("tampered-1")) and r.status == "failed" and r, 30, "the refusal")
    assert "ハッシュ値と一致しません" in refused.error_message
    assert not list(celery_env["markers"].glob("started-tampered-1-*")), "nothing of it ran"

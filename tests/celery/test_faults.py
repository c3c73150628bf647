"""Celery with real redis-server and real worker processes: redelivery, exactly-once, broker loss."""

import os
import signal
from datetime import date

import pytest

from kyodo.core.errors import ApplicationError
from tests.celery.conftest import wait_for

pytestmark = pytest.mark.redis


def submit(codes, **params):
    from kyodo.runner.submit import run_scenario

    return run_scenario("slow_job", codes, params, logical_date=date(2026, 11, 24))


def test_killed_worker_run_is_redelivered_and_completes_exactly_once(celery_env):
    from kyodo.runner.store import open_store

    celery_env["start_worker"]()
    celery_env["start_worker"]()
    [queued] = submit(["352039"], seconds=6)
    assert queued.status == "queued"
    marker = wait_for(lambda: next(iter(celery_env["markers"].glob(f"started-{queued.run_id}-*")), None), 60, "the run to start")
    victim = int(marker.read_text())
    os.kill(victim, signal.SIGKILL)
    store = open_store()
    run = wait_for(lambda: (r := store.get_run(queued.run_id)) and r.status == "succeeded" and r, 90, "redelivery")
    starts = list(celery_env["markers"].glob(f"started-{queued.run_id}-*"))
    assert len(starts) == 2 and {int(p.read_text()) for p in starts} - {victim}, "a second worker took it over"
    assert len(store.list_runs()) == 1, "one run record"
    outputs = [a for a in store.get_run(run.id).artifacts if a.path == "output.txt"]
    assert len(outputs) == 1 and "done by" in (celery_env["home"] / "runs" / "352039" / run.id / "output.txt").read_text()
    assert run.attempt == 2 and run.worker
    again = submit(["352039"], seconds=6)  # same scenario, municipality and logical date: nothing to do
    assert again[0].status == "skipped" and len(store.list_runs()) == 1


def test_restarting_redis_during_a_batch_loses_no_run(celery_env):
    from kyodo.runner.store import open_store

    celery_env["start_worker"]()
    celery_env["start_worker"]()
    codes = ["352012", "352021", "352039", "352047", "352063", "352071"]
    queued = submit(codes, seconds=0.5)
    assert [r.status for r in queued] == ["queued"] * len(codes)
    wait_for(lambda: list(celery_env["markers"].glob("started-*")), 60, "the first run")
    celery_env["redis"].stop()
    celery_env["redis"].start()
    store = open_store()
    done = wait_for(lambda: all(store.get_run(r.run_id).status == "succeeded" for r in queued), 120, "all runs after restart")
    assert done and len(store.list_runs()) == len(codes)


def test_broker_down_at_submit_records_not_submitted(celery_env):
    from kyodo.runner.store import open_store

    celery_env["redis"].stop()
    with pytest.raises(ApplicationError, match="投入できませんでした"):
        submit(["352039"])
    [run] = open_store().list_runs()
    assert run.status == "not_submitted" and "kyodo runs rerun" in run.error_message
    celery_env["redis"].start()
    celery_env["start_worker"]()
    from kyodo.runner.submit import run_scenario

    [again] = run_scenario("slow_job", ["352039"], {"seconds": 0.2}, logical_date=date(2026, 11, 24))
    assert again.status == "queued"
    store = open_store()
    wait_for(lambda: store.get_run(again.run_id).status == "succeeded", 60, "the resubmitted run")


def test_worker_refuses_a_bad_payload_and_a_wrong_version(celery_env):
    from kyodo.runner.store import open_store
    from kyodo.runner.worker.app import celery_app

    send = lambda payload: celery_app().send_task("kyodo.run", kwargs={"payload": payload}, queue="kyodo.lgwan")  # noqa: E731

    celery_env["start_worker"]()
    [queued] = submit(["352039"], seconds=0.2)
    store = open_store()
    wait_for(lambda: store.get_run(queued.run_id).status == "succeeded", 60, "a normal run")
    store.create_run(run_id="bad-payload-1", scenario="slow_job", version="1", municipality="352039", municipalities=["352039"],
                     trigger="manual", params={}, artifact_dir="", status="queued")
    send({"run_id": "bad-payload-1", "scenario": 12, "owner": None})
    wait_for(lambda: store.get_run("bad-payload-1").status == "failed", 30, "the bad payload to be refused")
    assert "不正" in store.get_run("bad-payload-1").error_message
    store.create_run(run_id="old-version-1", scenario="slow_job", version="1", municipality="352039", municipalities=["352039"],
                     trigger="manual", params={}, artifact_dir="", status="queued")
    send({"run_id": "old-version-1", "scenario": "slow_job", "owner": "352039", "municipalities": ["352039"],
          "kyodo_version": "0.0.1"})
    wait_for(lambda: store.get_run("old-version-1").status == "failed", 30, "the old version to be refused")
    assert "版" in store.get_run("old-version-1").error_message

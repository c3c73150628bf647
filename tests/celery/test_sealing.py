"""With BROKER_KEY, a queued run's parameters are not readable in Redis; a worker without the key says so."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
import redis as redis_client
from cryptography.fernet import Fernet

from kyodo.core.settings import get_settings
from kyodo.runner.executors.celery import CeleryExecutor
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.store import open_store
from kyodo.runner.submit import run_scenario
from kyodo.runner.worker.sealing import broker_key, seal, unseal
from tests.celery.conftest import wait_for

pytestmark = pytest.mark.redis
MARK = 1.23456789  # a parameter value easy to look for in the raw queue


def _queued_bodies(port: int) -> list[str]:
    """The task bodies waiting in Redis, decoded as a broker administrator would see them."""
    r = redis_client.Redis(port=port)
    bodies = []
    for queue in r.keys("kyodo.*"):
        if r.type(queue) != b"list":
            continue
        for raw in r.lrange(queue, 0, -1):
            envelope = json.loads(raw)
            bodies.append(base64.b64decode(envelope["body"]).decode("utf-8"))
    return bodies


def test_a_sealed_run_is_unreadable_in_redis_and_runs_on_a_worker_with_the_key(celery_env, monkeypatch):
    monkeypatch.setenv("KYODO_SECRET_BROKER_KEY", Fernet.generate_key().decode())
    [queued] = run_scenario("slow_job", ["352039"], {"seconds": MARK}, logical_date=date(2026, 11, 24))
    [body] = _queued_bodies(celery_env["redis"].port)
    assert "sealed" in body and queued.run_id in body
    assert str(MARK) not in body and "slow_job" not in body, "the plan is readable in the broker"
    celery_env["start_worker"]()
    store = open_store()
    wait_for(lambda: store.get_run(queued.run_id).status == "succeeded", 60, "the sealed run to finish")
    assert store.get_run(queued.run_id).params == {"seconds": MARK}


@pytest.mark.parametrize("worker_key", [None, "other"])
def test_a_worker_without_the_right_key_records_why_and_does_not_retry(celery_env, monkeypatch, worker_key):
    submitter_key = Fernet.generate_key().decode()
    monkeypatch.setenv("KYODO_SECRET_BROKER_KEY", submitter_key)
    [queued] = run_scenario("slow_job", ["352039"], {"seconds": 0.1}, logical_date=date(2026, 11, 24))
    if worker_key is None:
        monkeypatch.delenv("KYODO_SECRET_BROKER_KEY")
    else:
        monkeypatch.setenv("KYODO_SECRET_BROKER_KEY", Fernet.generate_key().decode())
    celery_env["start_worker"]()
    store = open_store()
    run = wait_for(lambda: (r := store.get_run(queued.run_id)).status == "failed" and r, 60, "the worker to refuse the run")
    said = "登録されていません" if worker_key is None else "投入側と違う"
    assert said in run.error_message and "kyodo secret set BROKER_KEY" in run.error_message
    assert submitter_key not in run.error_message
    assert run.error_class == "business" and run.attempt == 1 and len(store.list_runs()) == 1


def test_seal_round_trip_and_tampering(monkeypatch):
    monkeypatch.delenv("KYODO_SECRET_BROKER_KEY", raising=False)
    plain = {"run_id": "r1", "params": {"宛名番号": "000123"}}
    assert broker_key() is None and seal(plain, None) is plain and unseal(plain) is plain  # no key: as it is
    monkeypatch.setenv("KYODO_SECRET_BROKER_KEY", Fernet.generate_key().decode())
    sealed = seal(plain, broker_key())
    assert set(sealed) == {"sealed", "run_id"} and "000123" not in json.dumps(sealed)
    assert unseal(sealed) == plain
    tampered = {**sealed, "sealed": sealed["sealed"][:-4] + "AAAA"}
    with pytest.raises(Exception, match="改変"):
        unseal(tampered)


def test_personal_looking_parameters_without_a_key_are_warned_about(celery_env, monkeypatch):
    monkeypatch.delenv("KYODO_SECRET_BROKER_KEY", raising=False)
    settings = get_settings()
    executor = CeleryExecutor(load_registry(settings.registry_path), open_store(), settings, check_workers=False)
    plain = RunPlan(scenario="slow_job", owner="352039", municipalities=["352039"], params={"seconds": 0.1})
    executor.submit([plain])
    assert not any("BROKER_KEY" in w for w in executor.warnings)
    personal = RunPlan(scenario="slow_job", owner="352039", municipalities=["352039"], params={"seconds": "090-1234-5678"})
    executor.submit([personal])
    assert any("平文" in w and "BROKER_KEY" in w for w in executor.warnings)
    assert "090-1234-5678" not in " ".join(executor.warnings)

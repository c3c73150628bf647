"""One active re-run per run, decided by the database (SQLite and PostgreSQL), not by a check-then-act."""

import threading

import pytest

from kyodo.runner.plan import rerun_plan
from kyodo.runner.store import RunStore, new_run_id
from kyodo.runner.store.store import RerunInProgress


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, kyodo_home):
    if request.param == "sqlite":
        yield RunStore(f"sqlite:///{kyodo_home / 'kyodo.db'}")
        return
    url = request.getfixturevalue("postgres_url")
    store = RunStore(url)
    yield store
    with store.engine.begin() as con:
        con.exec_driver_sql("TRUNCATE runs CASCADE")


def failed_run(store):
    r = store.create_run(scenario="s", version="1", municipality="352021", municipalities=["352021"], trigger="manual",
                         params={}, artifact_dir="")
    store.update_run(r.id, status="failed")
    return store.get_run(r.id)


def test_concurrent_claims_start_exactly_one(any_store):
    original = failed_run(any_store)
    barrier, claimed = threading.Barrier(6), []

    def claim():
        barrier.wait()
        claimed.append(any_store.claim_rerun(rerun_plan(original), run_id=new_run_id() + threading.current_thread().name[-2:],
                                             artifact_dir=""))

    threads = [threading.Thread(target=claim, name=f"t-{n:02d}") for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([c for c in claimed if c is not None]) == 1
    assert any_store.active_rerun(original.id) is not None


def test_parts_of_a_multi_municipality_run_rerun_independently(any_store):
    r = any_store.create_run(scenario="s", version="1", municipality="350001", municipalities=["352021", "352039"],
                             trigger="manual", params={}, artifact_dir="")
    any_store.update_run(r.id, status="partial")
    original = any_store.get_run(r.id)
    plan = rerun_plan(original)
    part = lambda code: plan.model_copy(update={"owner": code, "municipalities": [code]})
    assert any_store.claim_rerun(part("352021"), run_id=new_run_id(), artifact_dir="") is not None
    assert any_store.claim_rerun(part("352039"), run_id=new_run_id(), artifact_dir="") is not None
    assert any_store.claim_rerun(part("352021"), run_id=new_run_id(), artifact_dir="") is None


def test_a_finished_rerun_frees_the_slot_and_a_running_one_refuses_another(any_store):
    original = failed_run(any_store)
    first = any_store.claim_rerun(rerun_plan(original), run_id=new_run_id(), artifact_dir="")
    any_store.update_run(first.id, status="running")
    with pytest.raises(RerunInProgress, match="既に動いています"):
        any_store.create_run(scenario="s", version="1", municipality="352021", municipalities=["352021"], trigger="rerun",
                             params={}, artifact_dir="", rerun_of=original.id)
    any_store.update_run(first.id, status="failed")
    assert any_store.claim_rerun(rerun_plan(original), run_id=new_run_id(), artifact_dir="") is not None


def test_a_claim_left_by_a_dead_process_is_reaped(kyodo_home):
    store = RunStore(f"sqlite:///{kyodo_home / 'kyodo.db'}")
    original = failed_run(store)
    claim = store.claim_rerun(rerun_plan(original), run_id=new_run_id(), artifact_dir="")
    store.update_run(claim.id, process="some-host-that-is-this-one:999999:1".replace("some-host-that-is-this-one",
                                                                                    __import__("socket").gethostname()[:120]))
    assert store.reap_crashed() == [claim.id]
    assert store.get_run(claim.id).status == "interrupted"
    assert store.reap_crashed() == []  # at most once per interval

"""User-visible defaults, pinned: a changed default must fail here, not surprise a municipality.

Where it is cheap the test measures behaviour (how often a step is really attempted, when a
login is really refused); otherwise it pins the documented value at its one definition. The
stored strings of statuses, zones and error kinds are pinned too: the run database and JSON
keep them, so changing one would need a migration.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import get_args

import pytest

from kyodo.core.errors import ERROR_KIND_JA, ApplicationError, BusinessError, ErrorKind, error_kind
from kyodo.core.settings import get_settings
from kyodo.core.status import DONE, RERUNNABLE, STATUS_JA, TERMINAL, RunStatus
from kyodo.core.zones import DEFAULT_ZONE, ZONE_JA, ZONES, Zone, ZoneName
from kyodo.robots import RunContext, action
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import Municipality, load_registry
from kyodo.runner.scenario.model import Retry, Scenario

CALLS: list[float] = []


@action("testing.always_down", title="テスト: いつも一時的な障害になる", example="- action: testing.always_down")
def _always_down(ctx: RunContext) -> None:
    """テスト用: 呼ばれるたびに一時的な障害（システムエラー）になります。"""
    CALLS.append(time.monotonic())
    raise ApplicationError(f"テスト: 一時的な障害（{len(CALLS)}回目）")


@pytest.fixture()
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The engine's back-off waits, recorded instead of slept (the default would take 6 s)."""
    seen: list[float] = []
    monkeypatch.setattr("kyodo.runner.engine.time.sleep", seen.append)
    return seen


def _run_step(step: dict) -> tuple:
    from kyodo.runner.store import open_store

    CALLS.clear()
    sc = Scenario.model_validate({"name": "defaults_probe", "title": "既定値テスト", "steps": [step]})
    store = open_store()
    plan = RunPlan(scenario=sc.name, owner="352039", municipalities=["352039"])
    result = execute(plan, sc, load_registry(Path("config/municipalities.yaml")), store, get_settings())
    return result, store.get_run(result.run_id)


def test_retry_without_a_retry_block_attempts_three_times_with_doubling_backoff(kyodo_home, waits):
    result, run = _run_step({"action": "testing.always_down", "on_error": "retry"})
    assert len(CALLS) == 3
    assert waits == [2.0, 4.0]  # 2 s, then doubled; none after the last attempt
    assert result.status == "failed" and run.status == "failed" and run.error_class == "application"
    assert (Retry().times, Retry().backoff_seconds) == (3, 2.0)


def test_a_step_without_on_error_is_attempted_once(kyodo_home, waits):
    result, _ = _run_step({"action": "testing.always_down"})
    assert len(CALLS) == 1 and waits == []
    assert result.status == "failed"


def test_scenario_defaults():
    sc = Scenario.model_validate({"name": "d", "title": "既定値", "steps": [{"action": "file.list"}]})
    assert sc.timeout_minutes == 60  # Celery soft time limit per run (docs/scale_out.md)
    assert sc.zone == "internet" == DEFAULT_ZONE
    assert sc.scope == "municipality"
    assert sc.steps[0].on_error == "stop" and sc.steps[0].retry is None
    assert Municipality(code="352039", name="x").zone == DEFAULT_ZONE


def test_zones_have_one_definition():
    assert [z.value for z in Zone] == ["internet", "lgwan", "mynumber"]  # stored in YAML and queue names
    assert get_args(ZoneName) == tuple(z.value for z in ZONES)  # the pydantic Literal cannot drift
    assert set(ZONE_JA) == set(Zone)
    schema = Scenario.model_json_schema()
    assert schema["properties"]["zone"]["enum"] == list(ZONES)


def test_status_and_error_kind_values_are_the_stored_strings():
    assert {s.value for s in RunStatus} == {"queued", "running", "succeeded", "partial", "failed", "interrupted",
                                            "skipped", "not_submitted"}
    assert set(STATUS_JA) == set(RunStatus) and STATUS_JA["partial"] == "一部エラー"
    assert set(DONE) == {"succeeded", "partial"} and set(DONE) <= set(TERMINAL)
    assert set(RERUNNABLE) == {"failed", "partial", "interrupted", "not_submitted"}
    assert json.dumps({"status": RunStatus.FAILED}) == '{"status": "failed"}'
    assert f"{RunStatus.NOT_SUBMITTED}" == "not_submitted"
    assert [k.value for k in ErrorKind] == ["business", "application"] and set(ERROR_KIND_JA) == set(ErrorKind)
    assert error_kind(BusinessError("x")) == "business" and error_kind(ValueError()) == "application"


def test_the_active_rerun_index_names_the_active_statuses():
    from kyodo.core.status import ACTIVE
    from kyodo.runner.store.models import ACTIVE_RERUN

    # SQL text shared with migration 0006 (frozen), so it is written out; it must match ACTIVE.
    assert f"status IN ({', '.join(repr(s.value) for s in ACTIVE)})" in ACTIVE_RERUN


def test_notifications_default_to_every_outcome_that_needs_a_person():
    from kyodo.runner.notify.channels import NotifyChannels

    assert set(NotifyChannels().on) == set(RERUNNABLE)


def test_staff_sessions_last_a_working_day_and_idle_an_hour(kyodo_home):
    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.dashboard.sessions import IDLE, LIFETIME
    from kyodo.runner.store import open_store

    assert LIFETIME == timedelta(hours=8) and IDLE == timedelta(hours=1)
    app = create_app(open_store(), load_registry(Path("config/municipalities.yaml")), get_settings(), session_secret="s")
    cookie = [m.kwargs for m in app.user_middleware if m.kwargs.get("session_cookie") == "kyodo_session"]
    assert cookie and cookie[0]["max_age"] == 8 * 3600  # the cookie does not outlive the server-side session


def test_history_page_size():
    from kyodo.runner.dashboard.routes.runs import PAGE_SIZE

    assert PAGE_SIZE == 50


def test_login_throttle_blocks_from_the_fifth_failure_with_doubling_waits():
    from kyodo.runner.dashboard._throttle import LoginThrottle

    now = [1000.0]
    t = LoginThrottle(clock=lambda: now[0])
    for _ in range(4):
        t.failed("tanaka", "10.0.0.1")
    assert not t.check("tanaka", "10.0.0.1").blocked
    t.failed("tanaka", "10.0.0.1")
    assert t.check("tanaka", "10.0.0.1").retry_after == 2
    t.failed("tanaka", "10.0.0.1")
    assert t.check("tanaka", "10.0.0.1").retry_after == 4
    for _ in range(30):
        t.failed("tanaka", "10.0.0.1")
    assert t.check("tanaka", "10.0.0.1").retry_after == 15 * 60  # capped at 15 minutes
    assert not t.check("tanaka", "10.0.0.2").blocked  # the real user elsewhere is never locked out


def test_faq_confidence_threshold_comes_from_the_tuned_model_file(tmp_path):
    from kyodo.faq_bot.retriever import DEFAULT_THRESHOLD, MODEL_FILE, Model

    assert DEFAULT_THRESHOLD == 0.5 and Model().threshold == DEFAULT_THRESHOLD
    assert Model.load(tmp_path / "missing.json").threshold == DEFAULT_THRESHOLD
    if MODEL_FILE.exists():  # the shipped, tuned threshold wins over the default
        assert Model.load(MODEL_FILE).threshold == json.loads(MODEL_FILE.read_text(encoding="utf-8"))["threshold"]


def test_faq_api_limits():
    from kyodo.faq_bot.api import MAX_BODY, RATE_PER_MINUTE

    assert (MAX_BODY, RATE_PER_MINUTE) == (8 * 1024, 30)


def test_celery_retries_application_failures_twice_after_5_and_10_seconds():
    from kyodo.runner.worker.tasks import run_plan

    assert run_plan.max_retries == 2  # docs/scale_out.md: backoff 5 s, 10 s

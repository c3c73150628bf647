"""Retries: application errors are retried with exponential backoff, business errors never.

The actions below exist only in this test module; they count their calls so the assertions
measure what the engine really did.
"""

import time
from pathlib import Path

from kyodo.core.errors import ApplicationError, BusinessError
from kyodo.core.settings import get_settings
from kyodo.robots import RunContext, action
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.model import Scenario

CALLS: dict[str, list[float]] = {}


@action("testing.flaky", title="テスト: 何回か失敗する", example="- action: testing.flaky")
def _flaky(ctx: RunContext, *, key: str, failures: int = 0, kind: str = "application") -> str:
    """テスト用: failures 回目までは失敗し、その後は成功します。

    引数:
      key: 呼び出しを数えるキー。
      failures: 失敗する回数。
      kind: application（再試行される）/ business（再試行されない）/ crash（想定外の例外）。
    """
    calls = CALLS.setdefault(key, [])
    calls.append(time.monotonic())
    if len(calls) <= failures:
        if kind == "business":
            raise BusinessError(f"テスト: データ誤り {key}", where="test.csv 3 行目")
        if kind == "crash":
            raise ConnectionResetError("connection reset by peer")
        raise ApplicationError(f"テスト: 一時的な障害 {key}（{len(calls)}回目）")
    ctx.count_items(ok=1)
    return f"ok:{key}"


@action("testing.row", title="テスト: 1行を処理する", example="- action: testing.row")
def _row(ctx: RunContext, *, row: dict) -> None:
    """テスト用: 行の値が bad ならデータ誤り（業務エラー）にします。

    引数:
      row: 処理する行。
    """
    CALLS.setdefault(f"row:{row['id']}", []).append(time.monotonic())
    if row["value"] == "bad":
        raise BusinessError(f"値が不正です（{row['id']}）", where=f"行 {row['id']}")
    ctx.count_items(ok=1)


@action("testing.rows", title="テスト: 行の一覧を返す", example="- action: testing.rows")
def _rows(ctx: RunContext, *, rows: list[dict]) -> list[dict]:
    """テスト用: 受け取った行の一覧をそのまま返します。

    引数:
      rows: 行の一覧。
    """
    return rows


def _run(steps, kyodo_home):
    from kyodo.runner.store import open_store

    CALLS.clear()
    sc = Scenario.model_validate({"name": "retry_probe", "title": "再試行テスト", "steps": steps})
    store = open_store()
    plan = RunPlan(scenario=sc.name, owner="352039", municipalities=["352039"])
    result = execute(plan, sc, load_registry(Path("config/municipalities.yaml")), store, get_settings())
    return result, store.get_run(result.run_id)


def test_application_error_is_retried_with_exponential_backoff(kyodo_home):
    result, run = _run([{"id": "a", "action": "testing.flaky", "on_error": "retry",
                         "retry": {"times": 3, "backoff_seconds": 0.1}, "with": {"key": "a", "failures": 2}}], kyodo_home)
    assert result.status == "succeeded" and result.items_ok == 1
    t = CALLS["a"]
    assert len(t) == 3
    assert t[1] - t[0] >= 0.1 and t[2] - t[1] >= 0.2, "the wait doubles: 0.1 s, then 0.2 s"
    assert [(s.attempt, s.status) for s in run.steps] == [(1, "failed"), (2, "failed"), (3, "succeeded")]
    assert "一時的な障害" in run.steps[0].message and run.status == "succeeded" and run.error_class is None


def test_retries_give_up_after_the_configured_times(kyodo_home):
    result, run = _run([{"action": "testing.flaky", "on_error": "retry", "retry": {"times": 2, "backoff_seconds": 0},
                         "with": {"key": "b", "failures": 5}}], kyodo_home)
    assert len(CALLS["b"]) == 2
    assert (result.status, result.error_class, run.status, run.error_class) == ("failed", "application", "failed", "application")
    assert "2回目" in result.error


def test_unexpected_crash_counts_as_application_error_and_is_retried(kyodo_home):
    result, run = _run([{"action": "testing.flaky", "on_error": "retry", "retry": {"times": 3, "backoff_seconds": 0},
                         "with": {"key": "c", "failures": 1, "kind": "crash"}}], kyodo_home)
    assert len(CALLS["c"]) == 2 and result.status == "succeeded"
    assert "ConnectionResetError" in run.steps[0].message


def test_business_error_is_attempted_once_even_with_retry(kyodo_home):
    result, run = _run([{"action": "testing.flaky", "on_error": "retry", "retry": {"times": 5, "backoff_seconds": 0},
                         "with": {"key": "d", "failures": 1, "kind": "business"}}], kyodo_home)
    assert len(CALLS["d"]) == 1, "retrying cannot fix bad data"
    assert (result.status, run.error_class) == ("failed", "business")
    assert len(run.steps) == 1 and "test.csv 3 行目" in run.error_message


def test_business_errors_are_reported_per_item_and_the_rest_continue(kyodo_home):
    rows = [{"id": 1, "value": "ok"}, {"id": 2, "value": "bad"}, {"id": 3, "value": "ok"}]
    result, run = _run([{"id": "rows", "action": "testing.rows", "with": {"rows": rows}},
                        {"for_each": "${rows}", "as": "row", "on_error": "skip_item",
                         "steps": [{"action": "testing.row", "on_error": "retry", "retry": {"times": 3, "backoff_seconds": 0},
                                    "with": {"row": "${row}"}}]}], kyodo_home)
    assert [len(CALLS[f"row:{i}"]) for i in (1, 2, 3)] == [1, 1, 1], "no row is retried for bad data"
    assert (result.status, result.items_ok, result.items_failed) == ("partial", 2, 1)
    assert [e["item"] for e in result.item_errors] == ["2"] and "値が不正です" in result.item_errors[0]["message"]
    assert (run.status, run.error_class, run.items_ok, run.items_failed) == ("partial", "business", 2, 1)


def test_without_on_error_retry_nothing_is_retried(kyodo_home):
    result, run = _run([{"action": "testing.flaky", "with": {"key": "e", "failures": 1}}], kyodo_home)
    assert len(CALLS["e"]) == 1 and result.status == "failed" and result.error_class == "application"

"""Engine semantics: variables, conditions, loops, on_error, retries, run records."""

from pathlib import Path

import pytest

from kyodo.core.errors import ApplicationError, BusinessError
from kyodo.core.settings import get_settings
from kyodo.robots import RunContext, action
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.expr import evaluate, render
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.scenario.scope import MUNICIPALITY_FIELDS, RUN_FIELDS

CALLS: dict[str, int] = {}


@action("testing.echo", title="テスト: 値を返す", example="- action: testing.echo\n  with: {value: 1}")
def _echo(ctx: RunContext, *, value: object = None, fail: str = "", fail_times: int = 0, key: str = "k") -> object:
    """テスト用: value をそのまま返します。fail に business / application を指定すると失敗します。

    引数:
      value: 返す値。
      fail: 失敗の種類（business / application）。
      fail_times: 何回目まで失敗するか（0 = 毎回）。
      key: 呼び出し回数を数えるキー。
    """
    CALLS[key] = CALLS.get(key, 0) + 1
    if fail and (fail_times == 0 or CALLS[key] <= fail_times):
        cls = BusinessError if fail == "business" else ApplicationError
        raise cls(f"テスト失敗 {value}")
    ctx.count_items(ok=1)
    return value


def scenario(steps, **extra):
    return Scenario.model_validate({"name": "t", "title": "テスト", "steps": steps, **extra})


def run(sc, kyodo_home, codes=("352039",)):
    reg = load_registry(Path("config/municipalities.yaml"))
    from kyodo.runner.store import open_store

    store = open_store()
    plan = RunPlan(scenario=sc.name, owner=codes[0] if len(codes) == 1 else "350001", municipalities=list(codes))
    return execute(plan, sc, reg, store, get_settings()), store


def test_expressions_are_evaluated_without_eval():
    scope = {"params": {"n": 3, "name": ""}, "m": {"code": "352039"}, "rows": [1, 2]}
    assert evaluate("params.n > 2 and m.code == '352039'", scope) is True
    assert evaluate("params.name or 'すべて'", scope) == "すべて"
    assert render("コード${m.code}・${len(rows)}件", scope) == "コード352039・2件"
    assert render("${rows}", scope) == [1, 2]
    for bad in ("__import__('os')", "m.__class__", "(lambda: 1)()", "open('x')"):
        with pytest.raises(BusinessError):
            evaluate(bad, scope)


def test_undefined_variable_suggests_the_close_name():
    with pytest.raises(BusinessError) as e:
        evaluate("parms.n", {"params": {}})
    assert "「params」のことですか" in str(e.value)


def test_steps_pass_outputs_and_conditions_skip(kyodo_home):
    sc = scenario([
        {"id": "a", "action": "testing.echo", "with": {"value": "${municipality.name}"}},
        {"id": "b", "action": "testing.echo", "with": {"value": "${a}は${municipality.code}"}},
        {"id": "c", "action": "testing.echo", "when": "${a == '萩市'}", "with": {"value": "x"}},
    ])
    result, store = run(sc, kyodo_home)
    assert result.status == "succeeded"
    assert result.outputs["b"] == "山口市は352039" and result.outputs["c"] is None  # skipped: empty, still defined
    rec = store.get_run(result.run_id)
    assert [s.status for s in rec.steps] == ["succeeded", "succeeded", "skipped"]
    assert rec.items_ok == 2 and rec.finished_at is not None
    assert (result.artifact_dir / "run.log").exists()


def test_loop_over_municipalities_skips_failing_items(kyodo_home):
    sc = scenario([
        {"id": "towns", "for_each": "${municipalities}", "as": "m", "on_error": "skip_item", "collect": "${r}",
         "steps": [{"id": "r", "action": "testing.echo", "with": {"value": "${m.name}", "fail": "${m.params.mode}"}}]},
    ], scope="prefecture", params={"mode": {"type": "str", "default": ""}})
    reg = load_registry(Path("config/municipalities.yaml"))
    reg.get("352021").overrides["t"] = {"params": {"mode": "business"}}
    from kyodo.runner.store import open_store

    plan = RunPlan(scenario="t", owner="350001", municipalities=["352039", "352021", "352047"])
    result = execute(plan, sc, reg, open_store(), get_settings())
    assert result.status == "partial"
    assert result.outputs["towns"] == ["山口市", "萩市"]
    assert [e["item"] for e in result.item_errors] == ["宇部市(352021)"]


def test_application_errors_are_retried_business_errors_are_not(kyodo_home):
    CALLS.clear()
    sc = scenario([
        {"id": "x", "action": "testing.echo", "on_error": "retry", "retry": {"times": 3, "backoff_seconds": 0},
         "with": {"value": 1, "fail": "application", "fail_times": 2, "key": "app"}},
        {"id": "y", "action": "testing.echo", "on_error": "retry", "retry": {"times": 3, "backoff_seconds": 0},
         "with": {"value": 2, "fail": "business", "key": "biz"}},
    ])
    result, store = run(sc, kyodo_home)
    assert CALLS == {"app": 3, "biz": 1}
    assert result.status == "failed" and result.error_class == "business"
    steps = store.get_run(result.run_id).steps
    assert [(s.step, s.attempt, s.status) for s in steps] == [
        ("x", 1, "failed"), ("x", 2, "failed"), ("x", 3, "succeeded"), ("y", 1, "failed")]


def test_argument_types_are_validated_before_the_call(kyodo_home):
    sc = scenario([{"action": "excel.write_report", "with": {"path": "a.xlsx", "sheets": "not a list"}}])
    result, _ = run(sc, kyodo_home)
    assert result.status == "failed" and "excel.write_report の引数に誤りがあります" in result.error
    assert "山口市(352039)" in result.error


def test_crash_inside_an_action_is_recorded_not_raised(kyodo_home):
    sc = scenario([{"action": "table.count", "with": {"table": "${municipality}", "rows": ["a"]}}])
    result, store = run(sc, kyodo_home)
    assert result.status == "failed" and result.error_class == "application"
    assert store.get_run(result.run_id).status == "failed"


def test_the_scope_offers_exactly_the_fields_the_validator_knows(kyodo_home):
    """${municipality.X} and ${run.X}: the engine's values and the validator's lists are one definition."""
    sc = scenario([{"id": "m", "action": "testing.echo", "with": {"value": "${municipality}"}},
                   {"id": "r", "action": "testing.echo", "with": {"value": "${run}"}}])
    result, _ = run(sc, kyodo_home)
    assert tuple(result.outputs["m"]) == MUNICIPALITY_FIELDS and tuple(result.outputs["r"]) == RUN_FIELDS
    assert result.outputs["r"]["trigger"] == "manual" and result.outputs["m"]["code"] == "352039"

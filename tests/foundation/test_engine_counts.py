"""Honest counts and labels: 処理件数 once per row whatever the nesting, loop items named by value."""

from __future__ import annotations

from pathlib import Path

from kyodo.core.settings import get_settings
from kyodo.runner.engine import execute
from kyodo.runner.plan import RunPlan
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.model import Scenario

CSV = "受付番号,状態\r\nA-1,受付済\r\nA-2,完了\r\nA-3,完了\r\n"


def run(steps, kyodo_home, progress=None, **extra):
    from kyodo.runner.store import open_store

    sc = Scenario.model_validate({"name": "t", "title": "テスト", "steps": steps, **extra})
    data = get_settings().data_dir / "352039"
    data.mkdir(parents=True, exist_ok=True)
    (data / "a.csv").write_text(CSV, encoding="utf-8")
    plan = RunPlan(scenario="t", owner="352039", municipalities=["352039"])
    store = open_store()
    return execute(plan, sc, load_registry(Path("config/municipalities.yaml")), store, get_settings(), progress=progress), store


def test_concat_in_nested_loops_counts_each_row_once(kyodo_home):
    events = []
    steps = [
        {"id": "outer", "for_each": "${['上', '下']}", "as": "side", "collect": {"sheet": "${side}", "table": "${inner_rows}"},
         "steps": [
             {"id": "inner", "for_each": "${['児童手当 現況届', '妊娠の届出']}", "as": "proc", "collect": {"table": "${t}"},
              "steps": [{"id": "t", "action": "excel.read_csv", "with": {"path": "a.csv"}}]},
             {"id": "inner_rows", "action": "table.concat", "with": {"items": "${inner}", "label_column": ""}},
         ]},
        {"id": "all", "action": "table.concat", "with": {"items": "${outer}"}},
    ]
    result, store = run(steps, kyodo_home, progress=lambda e, d: events.append((e, d)))
    assert result.status == "succeeded", result.error
    assert len(result.outputs["all"]) == 12
    assert result.items_ok == 12, "3 rows x 2 procedures x 2 sides, counted once (not 24)"
    items = [s.item for s in store.get_run(result.run_id).steps if s.action == "excel.read_csv"]
    assert items == ["児童手当 現況届", "妊娠の届出"] * 2, "loop items are labelled by their value, not proc[1]"
    outer_done = [d for e, d in events if e == "item_done" and d["depth"] == 0]
    starts = [d for e, d in events if e == "loop_start"]
    assert len(outer_done) == 2 and starts[0]["total"] == 2 and starts[0]["depth"] == 0
    assert {d["depth"] for d in starts[1:]} == {1}, "inner loops report their own depth (a bar each, never 5/4)"


def test_a_skipped_step_is_empty_and_first_picks_the_other(kyodo_home):
    steps = [
        {"id": "a", "action": "flow.log", "when": "${false}", "with": {"message": "x"}},
        {"id": "b", "action": "flow.log", "with": {"message": "y"}},
        {"id": "c", "action": "flow.log", "with": {"message": "${first(a, b)}"}},
    ]
    result, _ = run(steps, kyodo_home)
    assert result.status == "succeeded" and result.outputs["a"] is None and result.outputs["c"] == "y"

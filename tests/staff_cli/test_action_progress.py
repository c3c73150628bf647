"""Progress inside one action: throttled ticks become ordered engine events and a nested CLI bar."""

from __future__ import annotations

import io

from kyodo.robots.progress import ProgressEvent, ProgressReporter, Tick
from tests.conftest import REGISTRY
from tests.ticking import ticking_action

SCENARIO = """
name: pages_probe
title: ページの進み具合
params:
  rows: {type: list, default: [A, B]}
steps:
  - for_each: ${params.rows}
    as: row
    steps:
      - action: testing.pages
        title: 申請書を数える
        with: {count: 40}
"""


def test_ticks_are_throttled_but_keep_the_first_the_last_and_each_label():
    now = [0.0]
    seen: list[Tick] = []
    reporter = ProgressReporter(seen.append, min_interval=0.25, clock=lambda: now[0])
    for done in range(101):
        now[0] += 0.01  # 100 ticks a second
        reporter.report(done, 100, "ページ")
    reporter.report(100, 100, "ページ")  # a repeat of the last state is dropped
    reporter.report(0, 3, "突合")  # a new label always passes
    assert [t.done for t in seen] == [0, 25, 50, 75, 100, 0] and seen[-1].label == "突合"
    assert reporter.finish() and not reporter.finish()
    ProgressReporter(None).report(1, 2, "ページ")  # nobody listening: nothing happens


def test_an_actions_ticks_arrive_as_ordered_events_and_a_nested_bar(user_scenarios, kyodo_home):
    from rich.console import Console

    from kyodo.runner.progress import ProgressBars
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario

    user_scenarios("pages_probe", SCENARIO)
    out, events = io.StringIO(), []
    with ticking_action(), ProgressBars(Console(file=out, width=100, force_terminal=False), "行") as bars:
        def both(event, data):
            events.append((event, data))
            bars(event, data)

        [result] = run_scenario("pages_probe", ["352039"], registry=load_registry(REGISTRY), store=open_store(),
                                progress=both)
    assert result.status == "succeeded", result.error
    ticks = [d for e, d in events if e == ProgressEvent.ACTION_PROGRESS]
    # 40 quick ticks per row: the throttle lets the start and the end through (rarely one more on a slow machine)
    ends = [n for n, t in enumerate(ticks) if t["done"] == 40]
    assert len(ends) == 2 and len(ticks) <= 6, ticks
    for part in (ticks[:ends[0] + 1], ticks[ends[0] + 1:]):
        done = [t["done"] for t in part]
        assert done[0] == 0 and done[-1] == 40 and done == sorted(done) and all(t["total"] == 40 for t in part)
    assert all(t["label"] == "ページ" and t["step"] == "申請書を数える" and t["depth"] == 1 for t in ticks)
    assert all(t["run_id"] == result.run_id for t in ticks)
    kinds = [e for n, (e, _) in enumerate(events) if e not in ("plan_start", "plan_done")
             and not (e == "action_progress" and events[n - 1][0] == "action_progress")]  # runs of ticks as one
    assert kinds == ["loop_start", "item_start", "action_progress", "action_end", "item_done",
                     "item_start", "action_progress", "action_end", "item_done"]
    lines = out.getvalue().splitlines()
    row = next(n for n, line in enumerate(lines) if line.lstrip().startswith("行"))
    assert "2/2" in lines[row], lines
    page = lines[row + 1]  # the action's bar, one level in, under the loop it runs in
    assert page.startswith("  ページ: p40 ") and "40/40" in page, lines

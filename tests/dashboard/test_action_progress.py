"""A running run's page shows the progress inside its current action (「ページ 12/40」) under its own."""

from __future__ import annotations

import re
import time

from tests.ticking import ticking_action

SCENARIO = """
name: pages_probe
title: ページの進み具合
steps:
  - action: testing.pages
    title: 申請書を数える
    with: {count: 40}
"""


def test_a_running_runs_page_shows_its_actions_progress(office, user_scenarios):
    from kyodo.runner.progress import StoreProgress
    from kyodo.runner.registry import load_registry
    from kyodo.runner.submit import run_scenario

    client, store, registry_path, _ = office
    user_scenarios("pages_probe", SCENARIO)
    c = client("ube")
    seen: dict[str, str] = {}

    def look(ctx, n):  # the clerk opens the run's page (and the list) while page 12 of 40 is read
        if n == 11:
            time.sleep(0.3)  # a slow page: the throttle lets the next tick through
        if n == 1:
            seen["first"] = c.get(f"/runs/{ctx.run_id}").text
        if n == 12:
            seen["run"] = c.get(f"/runs/{ctx.run_id}").text
            seen["list"] = c.get("/").text

    with ticking_action(look):
        [result] = run_scenario("pages_probe", ["352021"], registry=load_registry(registry_path), store=store,
                                progress=StoreProgress(store, every=0))
    assert result.status == "succeeded", result.error
    first = seen["first"]
    assert 'id="action-bar" max="40" value="0"' in first, first
    page = seen["run"]
    assert 'id="action-progress"' in page and 'id="action-bar" max="40" value="12"' in page, page
    label = re.search(r'<label for="action-bar">(.*?)</label>', page).group(1)
    assert label == "申請書を数える：12 / 40 ページ（p12）"
    assert "（12/40 ページ）" in seen["list"]
    after = store.get_run(result.run_id)
    assert "action" not in (after.progress or {}), "the finished action's bar is dropped"
    assert 'id="action-progress"' not in c.get(f"/runs/{result.run_id}").text

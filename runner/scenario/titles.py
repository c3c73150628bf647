"""Japanese names for people: a scenario's ``title``, a step's ``title`` (default: its action's title).

Staff never see ``tax_reconciliation`` or ``browser.login``; everything they read (dashboard,
effect report, schedule, workbooks, notifications) asks here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from kyodo.core.privacy import mask_text
from kyodo.robots import all_actions
from kyodo.runner.scenario.loader import load_scenario, scenario_path

log = logging.getLogger("kyodo.scenario")


@lru_cache(maxsize=256)
def _loaded(name: str, path: str, mtime: float) -> Any:
    return load_scenario(name)


def _scenario(name: str) -> Any | None:
    """The scenario (cached per file version), or None when it is missing or broken."""
    try:
        path = scenario_path(name)
        return _loaded(name, str(path), path.stat().st_mtime)
    except Exception:  # a renamed or broken scenario must not break a page that only needs its name
        return None


def scenario_title(name: str) -> str:
    """The scenario's Japanese title; its ID only when the scenario file is gone."""
    sc = _scenario(name)
    return sc.title if sc is not None and sc.title else name


def scenario_titles(names: Iterable[str]) -> dict[str, str]:
    return {n: scenario_title(n) for n in names}


def action_title(action: str | None) -> str:
    spec = all_actions().get(action or "")
    return spec.title if spec is not None else (action or "")


def step_titles(name: str) -> dict[str, str]:
    """Step label (``id`` or action, as the run store records it) → the title people read."""
    sc = _scenario(name)
    out: dict[str, str] = {}

    def walk(steps: list[Any]) -> None:
        for i, step in enumerate(steps):
            label = step.id or step.action or f"step{i + 1}"
            title = step.title or (action_title(step.action) if step.action else "")
            if title:
                out.setdefault(label, title)
            walk(step.steps or [])

    if sc is not None:
        walk(sc.steps)
    return out


def step_title(scenario: str, label: str, action: str | None) -> str:
    return step_titles(scenario).get(label) or action_title(action) or label


def human_result(message: str | None) -> str:
    """A step's stored result as people read it: no 「True」/「None」, personal data masked."""
    text = mask_text(str(message)) if message is not None else ""
    return {"True": "完了", "False": "該当なし", "None": "", "[]": "0 件", "{}": "0 項目"}.get(text.strip(), text)

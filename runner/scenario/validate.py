"""Static checks of a scenario before anything runs: schema, actions, arguments, variables, zone.

Returns a list of Japanese problem strings (empty when the scenario is fine).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from runner.scenario.expr import names_in
from runner.scenario.model import Scenario, Step

BUILTIN_NAMES = {"params", "municipality", "municipalities", "run", "item"}


def check_scenario(data: Any, path: Path | str = "<scenario>") -> list[str]:
    """All problems found in ``data`` (the parsed YAML of a scenario)."""
    if not isinstance(data, dict):
        return ["シナリオの先頭は「name:」「title:」「steps:」などの項目である必要があります。"]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        return [_pydantic_problem(e) for e in exc.errors()]
    from robots import all_actions

    actions = all_actions()
    problems: list[str] = []
    _check_steps(scenario.steps, scenario, actions, set(BUILTIN_NAMES), problems, "steps")
    return problems


def _pydantic_problem(err: dict[str, Any]) -> str:
    loc = ".".join(str(x) for x in err["loc"])
    return f"{loc}: {err['msg']}"


def _check_steps(steps: list[Step], sc: Scenario, actions: dict, known: set[str], problems: list[str], where: str) -> None:
    for i, step in enumerate(steps):
        loc = f"{where}[{i}]" + (f"（{step.id}）" if step.id else "")
        texts = [str(v) for v in _strings(step.with_)] + [s for s in (step.when, step.for_each) if s]
        for t in texts:
            for name in names_in(t) - known:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                hint = f"「{close[0]}」のことですか?" if close else "前のステップの id かパラメータ名を確認してください。"
                problems.append(f"{loc}: 変数「{name}」が定義されていません。{hint}")
        if step.action and step.for_each:
            problems.append(f"{loc}: action と for_each は同じステップに書けません。")
        elif step.for_each:
            if not step.steps:
                problems.append(f"{loc}: for_each には steps が必要です。")
            else:
                _check_steps(step.steps, sc, actions, known | {step.as_}, problems, f"{loc}.steps")
        elif step.action:
            spec = actions.get(step.action)
            if spec is None:
                close = difflib.get_close_matches(step.action, list(actions), n=1, cutoff=0.3)
                hint = f"`{step.action}` ではなく `{close[0]}` ですか?" if close else "kyodo actions で一覧を確認してください。"
                problems.append(f"{loc}: アクション「{step.action}」はありません。{hint}")
            else:
                params = spec.parameters
                for arg in step.with_:
                    if arg not in params:
                        close = difflib.get_close_matches(arg, list(params), n=1)
                        hint = f"`{arg}` ではなく `{close[0]}` ですか?" if close else f"使える引数: {', '.join(params)}"
                        problems.append(f"{loc}: {step.action} に引数「{arg}」はありません。{hint}")
                for pname, p in params.items():
                    if p.default is p.empty and pname not in step.with_:
                        problems.append(f"{loc}: {step.action} の必須引数「{pname}」がありません。")
                if sc.zone not in spec.zones:
                    problems.append(
                        f"{loc}: {step.action} は {sc.zone} ネットワークでは使えません（使えるのは {', '.join(sorted(spec.zones))}）。"
                    )
        else:
            problems.append(f"{loc}: action か for_each のどちらかが必要です。")
        if step.on_error == "retry" and step.retry is None:
            pass  # defaults apply
        if step.id:
            known = known | {step.id}


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)

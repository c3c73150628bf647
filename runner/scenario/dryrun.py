"""``kyodo run … --dry-run``: resolve everything and say what each step would do, touching nothing.

No run record, no artifact folder, no browser, no secret lookup: values that only exist at run
time (a step's output) are shown as ``<id の結果>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.core.settings import Settings
from kyodo.robots import RunContext
from kyodo.runner.engine import municipality_view
from kyodo.runner.plan import RunPlan, effective_params
from kyodo.runner.registry import Registry
from kyodo.runner.scenario.expr import render
from kyodo.runner.scenario.inputs import input_roots
from kyodo.runner.scenario.model import Scenario, Step


class Later:
    """A value known only when the scenario runs (a step output, a loop item's field)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Later:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return Later(f"{self._name}.{attr}")

    def __getitem__(self, key: Any) -> Later:
        return Later(f"{self._name}[{key}]")

    def __str__(self) -> str:
        return f"<{self._name} の結果>"

    __repr__ = __str__


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def describe(plan: RunPlan, scenario: Scenario, registry: Registry, settings: Settings) -> list[str]:
    """Human-readable lines: one per step (per municipality in loops)."""
    owner = registry.get(plan.owner)
    munis = [registry.get(c) for c in plan.municipalities]
    views = [municipality_view(m, scenario, settings, plan.params) for m in munis]
    params = effective_params(scenario, owner if owner.code in plan.municipalities else None, plan.params)
    scope: dict[str, Any] = {"params": params, "municipality": views[0] if len(views) == 1 else municipality_view(owner, scenario, settings),
                             "municipalities": views, "run": {"id": "<実行ID>", "date": "<実行日>", "yyyymmdd": "<実行日>",
                                                              "artifact_dir": "<成果物フォルダ>", "trigger": plan.trigger}}
    lines = [f"シナリオ: {scenario.title}（{scenario.name} v{scenario.version}） 対象: {owner.name}({owner.code})  ※試行: 何も実行しません"]
    roots = list(input_roots(views, scope["municipality"]))
    _walk(scenario.steps, scope, lines, 1, roots)
    lines.append("（試行のため、実行記録・成果物フォルダ・ブラウザ・シークレットには触れていません）")
    return lines


_INPUT_ARGS = {"path", "paths", "folder", "file", "files"}


def _input_notes(action: str, args: dict[str, Any], roots: list[Path]) -> list[str]:
    """Where a reading action's input files resolve, and whether they are there (a stat, nothing more)."""
    if not action.split(".")[-1].startswith("read") or not roots:
        return []
    ctx = RunContext(run_id="dry", artifact_dir=Path("."), input_dirs=tuple(roots))  # the engine's own containment check
    notes = []
    for arg, value in args.items():
        if arg not in _INPUT_ARGS:
            continue
        for v in value if isinstance(value, list) else [value]:
            if not isinstance(v, str) or not v or "://" in v:
                continue
            try:
                cand = ctx.input_path(v)
            except BusinessError:
                notes.append(f"{arg}: 「{v}」は自治体の入力フォルダの外です（実行するとエラーになります）")
                continue
            if any(ch in v for ch in "*?["):
                found = len(list(cand.parent.glob(cand.name))) if cand.parent.is_dir() else 0
                notes.append(f"{arg}: {cand} … 今 {found} 件あります" if found else f"{arg}: {cand} … 今は1件もありません")
            else:
                notes.append(f"{arg}: {cand} … " + ("あります" if cand.exists() else "今はありません（実行までに置いてください）"))
    return notes


def _walk(steps: list[Step], scope: dict[str, Any], lines: list[str], depth: int, roots: list[Path]) -> None:
    pad = "  " * depth
    for i, step in enumerate(steps, 1):
        label = step.title or step.id or step.action or f"ステップ{i}"
        cond, skipped = "", False
        if step.when is not None:
            try:
                v = render(step.when, scope)
                cond = "（条件は実行時に判定）" if isinstance(v, Later) else ("（条件: 実行する）" if v else "（条件: 実行しない）")
                skipped = not isinstance(v, Later) and not v
            except (KyodoError, TypeError, ValueError, ArithmeticError):  # needs a value known only at run time
                cond = "（条件は実行時に判定）"
        if step.for_each:
            try:
                items = render(step.for_each, scope)
            except KyodoError as exc:
                items = Later(step.for_each)
                lines.append(f"{pad}! {exc.message}")
            except (TypeError, ValueError, ArithmeticError):
                items = Later(step.for_each)
            if isinstance(items, list):
                lines.append(f"{pad}{i}. {label}: {len(items)} 件を繰り返す{cond}")
                for item in items:
                    name = item.get("name", "") if isinstance(item, dict) else str(item)
                    lines.append(f"{pad}  ▶ {name}")
                    _walk(step.steps or [], {**scope, step.as_: item}, lines, depth + 2, roots)
            else:
                lines.append(f"{pad}{i}. {label}: 実行時に決まる項目ごとに繰り返す{cond}")
                _walk(step.steps or [], {**scope, step.as_: Later(step.as_)}, lines, depth + 1, roots)
            if step.id:
                scope[step.id] = Later(step.id)
            continue
        parts, resolved = [], {}
        for k, v in step.with_.items():
            try:
                resolved[k] = render(v, scope)
                parts.append(f"{k}={_show(resolved[k])}")
            except KyodoError as exc:
                parts.append(f"{k}=（解決できません: {exc.message}）")
            except (TypeError, ValueError, ArithmeticError):
                parts.append(f"{k}=<実行時に決まります>")
        shown = ", ".join(parts)
        lines.append(f"{pad}{i}. {label}: {step.action}({shown}){cond}")
        lines += [f"{pad}   ↳ {note}" for note in _input_notes(step.action or "", resolved, roots)]
        if step.id:
            scope[step.id] = None if skipped else Later(step.id)  # as the engine: a skipped step's result is empty

"""From "run scenario X for these municipalities" to concrete, serialisable run plans.

A plan is what an executor (in-process or Celery) receives: plain data, so it can cross a
queue. Parameter precedence, lowest first: scenario defaults < municipality overrides in
the registry < schedule params < params given on the command line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from robots.errors import BusinessError
from runner.registry import Municipality, Registry
from runner.scenario.model import Scenario


class RunPlan(BaseModel):
    """One run to execute: serialisable, validated again on the worker."""

    scenario: str
    owner: str = Field(description="municipality code that owns the run (prefecture code for multi-town runs)")
    municipalities: list[str]
    params: dict[str, Any] = Field(default_factory=dict)
    trigger: str = "manual"
    logical_date: date | None = None
    dry_run: bool = False
    rerun_of: str | None = None
    requested_by: str | None = Field(None, description="who asked (CLI: cli:<OS user>, dashboard: its user); None = the scheduler")
    run_id: str | None = None
    kyodo_version: str | None = None

    @property
    def idempotency_key(self) -> str | None:
        """scenario + owner + logical date: a second delivery of the same run does nothing."""
        if self.logical_date is None or self.dry_run:
            return None
        return f"{self.scenario}:{self.owner}:{self.logical_date.isoformat()}"


def effective_params(scenario: Scenario, muni: Municipality | None, *layers: dict[str, Any]) -> dict[str, Any]:
    """Merge parameters: scenario defaults, then the municipality's overrides, then ``layers``."""
    merged: dict[str, Any] = {k: p.default for k, p in scenario.params.items()}
    if muni is not None and muni.config_problem:
        raise BusinessError(f"{muni.name}({muni.code}) の自治体ファイルに誤りがあるため実行できません。\n{muni.config_problem}",
                            hint="kyodo scenario validate でファイルを確認し、直してから再実行してください。")
    if muni is not None:
        over = muni.overrides.get(scenario.name, {})
        merged.update(over.get("params", {}))
    for layer in layers:
        merged.update(layer or {})
    unknown = [k for k in merged if k not in scenario.params]
    if unknown:
        raise BusinessError(
            f"パラメータ「{', '.join(unknown)}」はシナリオ「{scenario.name}」にありません。",
            hint=f"使えるパラメータ: {', '.join(scenario.params) or '（なし）'}",
        )
    missing = [k for k, p in scenario.params.items() if p.required and merged.get(k) in (None, "")]
    if missing:
        raise BusinessError(f"必須パラメータ「{', '.join(missing)}」が指定されていません。", hint="--param 名前=値 で指定してください。")
    return {k: _coerce(k, scenario.params[k].type, v) for k, v in merged.items()}


_TRUE = ("1", "true", "yes", "はい", "on")
_FALSE = ("0", "false", "no", "いいえ", "off", "")
_TYPE_HINTS = {
    "int": "整数（例: 2024）で指定してください。",
    "bool": "true / false（はい / いいえ）で指定してください。",
    "date": "日付（例: 2024-04-01）で指定してください。",
    "list": "リスト（例: [a, b]）で、シナリオ・自治体ファイル・スケジュールに書いてください。",
    "dict": "「名前: 値」の形（例: {申請者名: 申請者氏名}）で、シナリオ・自治体ファイル・スケジュールに書いてください。",
}


def _coerce(name: str, typ: str, value: Any) -> Any:
    """``value`` as a ``typ`` parameter; anything that does not fit is a BusinessError, never a silent guess.

    The single judge of parameter values: ``kyodo scenario validate`` checks defaults with it too.
    """
    if value is None:
        return None
    try:
        if typ == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)  # 1.5 is not silently 1, true is not 1
            return int(value)
        if typ == "float":
            return float(value)
        if typ == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).lower()
            if text not in _TRUE + _FALSE:
                raise ValueError(value)
            return text in _TRUE
        if typ == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if typ in ("str", "path"):
            return str(value)
        if (typ == "list" and not isinstance(value, list)) or (typ == "dict" and not isinstance(value, dict)):
            raise ValueError(value)
    except (TypeError, ValueError, OverflowError):
        raise BusinessError(f"パラメータ「{name}」の値「{value}」は {typ} 型として読めません。", hint=_TYPE_HINTS.get(typ)) from None
    return value


def plan_runs(
    scenario: Scenario,
    registry: Registry,
    codes: list[str] | None,
    params: dict[str, Any] | None = None,
    *,
    trigger: str = "manual",
    logical_date: date | None = None,
    dry_run: bool = False,
    requested_by: str | None = None,
) -> list[RunPlan]:
    """Plans for ``codes`` (None = every municipality in the registry).

    ``scope: municipality`` gives one run per municipality; ``scope: prefecture`` one run over
    all of them, owned by the single municipality chosen or else by the prefecture.
    """
    munis = [registry.get(c) for c in codes] if codes else registry.all()
    if not munis:
        raise BusinessError("対象の自治体がありません。", hint="--municipality コード または --all を指定してください。")
    for m in munis:
        effective_params(scenario, m, params or {})  # fail early, before anything runs
    common = dict(scenario=scenario.name, params=params or {}, trigger=trigger, logical_date=logical_date, dry_run=dry_run,
                  requested_by=requested_by)
    if scenario.scope == "prefecture":
        owner = munis[0].code if len(munis) == 1 else registry.prefecture.code
        return [RunPlan(owner=owner, municipalities=[m.code for m in munis], **common)]
    return [RunPlan(owner=m.code, municipalities=[m.code], **common) for m in munis]


def rerun_plan(run: Any, *, requested_by: str | None = None) -> RunPlan:
    """The plan that repeats a stored run: same scenario, municipalities, parameters and logical date."""
    return RunPlan(scenario=run.scenario, owner=run.municipality, municipalities=list(run.municipalities or [run.municipality]),
                   params=dict(run.params or {}), trigger="rerun", rerun_of=run.id, logical_date=run.logical_date,
                   requested_by=requested_by)

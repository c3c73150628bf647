"""From "run scenario X for these municipalities" to concrete, serialisable run plans.

A plan is what an executor (in-process or Celery) receives: plain data, so it can cross a
queue. Parameter precedence, lowest first: scenario defaults < municipality overrides in
the registry < schedule params < params given on the command line.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kyodo.core.errors import ApplicationError, BusinessError
from kyodo.core.privacy import has_masks
from kyodo.core.status import RunStatus, Trigger
from kyodo.runner.registry import Municipality, Registry
from kyodo.runner.scenario.loader import load_scenario, load_scenario_text
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.scenario.params import coerce_param


class RunPlan(BaseModel):
    """One run to execute: serialisable, validated again on the worker."""

    scenario: str
    owner: str = Field(description="municipality code that owns the run (prefecture code for multi-town runs)")
    municipalities: list[str]
    params: dict[str, Any] = Field(default_factory=dict)
    trigger: Trigger = Trigger.MANUAL
    logical_date: date | None = None
    dry_run: bool = False
    rerun_of: str | None = None
    requested_by: str | None = Field(None, description="who asked (CLI: cli:<OS user>, dashboard: its user); None = the scheduler")
    run_id: str | None = None
    kyodo_version: str | None = None
    resume_from: str | None = Field(None, description="a run whose finished municipalities are taken over (rerun of a partial run)")
    scenario_file: str | None = Field(None, description="the scenario's YAML file when given as a path (kyodo run ./my.yaml)")
    scenario_text: str | None = Field(None, description="that file's text: a worker runs exactly it, wherever it is")
    scenario_sha256: str | None = Field(None, description="SHA-256 of scenario_text (UTF-8); a payload that does not match is refused")

    @property
    def idempotency_key(self) -> str | None:
        """scenario + owner + logical date: a second delivery of the same run does nothing."""
        if self.logical_date is None or self.dry_run:
            return None
        return f"{self.scenario}:{self.owner}:{self.logical_date.isoformat()}"


def text_digest(text: str) -> str:
    """The SHA-256 a plan carries for its scenario text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def attach_scenario_file(plans: list[RunPlan], path: str | Path, text: str) -> None:
    """``kyodo run ./my.yaml``: every plan carries the file's text and hash, so any executor runs exactly it."""
    where, digest = str(Path(path).resolve()), text_digest(text)
    for plan in plans:
        plan.scenario_file, plan.scenario_text, plan.scenario_sha256 = where, text, digest


SCENARIO_COPY = ".scenario.yaml"  # in the run folder: hidden working state, never an artifact


def keep_scenario_text(plan: RunPlan, artifact_dir: Path) -> None:
    """Keep a carried scenario's text in the run folder, so a re-run repeats that file, not a same-named one."""
    if plan.scenario_text is None:
        return
    tmp = artifact_dir / f"{SCENARIO_COPY}.tmp"
    tmp.write_text(plan.scenario_text, encoding="utf-8")
    tmp.replace(artifact_dir / SCENARIO_COPY)


def plan_scenario(plan: RunPlan) -> Scenario:
    """The scenario ``plan`` runs: its carried text (hash checked first), else the file or the name it gives."""
    if plan.scenario_text is None:
        return load_scenario(plan.scenario_file or plan.scenario)
    return carried_scenario(plan.scenario, plan.scenario_text, plan.scenario_sha256, plan.scenario_file)


def carried_scenario(name: str, text: str, sha256: str | None, where: str | None) -> Scenario:
    """A scenario that travelled as text: refused unless the text matches its hash and names ``name``."""
    if not sha256 or text_digest(text) != sha256:
        raise ApplicationError(f"受け取ったシナリオ「{name}」の内容がハッシュ値と一致しません（途中で変わった可能性があります）。"
                               "この実行は行いません。", where=where,
                               hint="投入した側で kyodo run をやり直してください。繰り返す場合はキューの経路を確認してください。")
    scenario = load_scenario_text(text, where or name)
    if scenario.name != name:
        raise ApplicationError(f"受け取ったシナリオの名前「{scenario.name}」が実行内容の「{name}」と違います。この実行は行いません。",
                               where=where, hint="投入した側で kyodo run をやり直してください。")
    return scenario


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
    return {k: coerce_param(k, scenario.params[k].type, v) for k, v in merged.items()}


def plan_runs(
    scenario: Scenario,
    registry: Registry,
    codes: list[str] | None,
    params: dict[str, Any] | None = None,
    *,
    trigger: Trigger = Trigger.MANUAL,
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
    """The plan that repeats a stored run: same scenario, municipalities, parameters and logical date.

    Parameters are stored masked (a My Number or phone given with ``--param`` never rests in the
    database), so a run whose parameters lost a value to masking cannot be repeated from the store:
    that is refused with the way to start it again, instead of running with ＊＊＊ as a value.
    """
    masked = sorted(k for k, v in (run.params or {}).items() if has_masks(v))
    if masked:
        raise BusinessError(f"実行「{run.id}」のパラメータ（{'、'.join(masked)}）は個人情報を含むため保存時に伏せ字にしており、"
                            "同じ値で再実行できません。",
                            hint=f"kyodo run {run.scenario} --municipality {run.municipality} --param 名前=値 で値を指定し直して実行してください。")
    plan = RunPlan(scenario=run.scenario, owner=run.municipality, municipalities=list(run.municipalities or [run.municipality]),
                   params=dict(run.params or {}), trigger=Trigger.RERUN, rerun_of=run.id, logical_date=run.logical_date,
                   requested_by=requested_by,
                   # municipalities the earlier run finished are taken over; only the others run again
                   resume_from=run.id if run.status in (RunStatus.PARTIAL, RunStatus.FAILED, RunStatus.INTERRUPTED) else None)
    kept = Path(run.artifact_dir) / SCENARIO_COPY if run.artifact_dir else None
    if kept is not None and kept.is_file():  # the run was of a DX leader's own file: repeat exactly that text
        attach_scenario_file([plan], kept, kept.read_text(encoding="utf-8"))
    return plan

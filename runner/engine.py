"""The scenario engine: runs one plan's steps in order and records everything in the run store.

Data flows one way: scenario → engine → robot actions → artifacts → run store. The engine
resolves ``${...}`` variables, validates each action's arguments against its type hints,
applies ``when``/``for_each``/``on_error``/``retry``, masks every message it stores, and
always finishes the run record (also when a step crashes).
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, ValidationError, create_model

from robots import ActionSpec, RunContext, all_actions
from robots.errors import ApplicationError, BusinessError, KyodoError, error_kind
from robots.privacy import mask_text, personal_scope, register_personal_columns
from runner.audit import note_scenario, record_quietly
from runner.plan import RunPlan, effective_params
from runner.registry import Municipality, Registry
from runner.scenario.expr import render
from runner.scenario.inputs import input_roots
from runner.scenario.model import Scenario, Step
from runner.secrets import get_secret
from runner.settings import Settings
from runner.store import RunStore, new_run_id

JST = ZoneInfo("Asia/Tokyo")
log = logging.getLogger("kyodo.engine")

ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass
class RunResult:
    """What a caller (CLI, scheduler, worker) needs to know about a finished run."""

    run_id: str
    scenario: str
    owner: str
    status: str
    artifact_dir: Path
    items_ok: int = 0
    items_failed: int = 0
    error: str | None = None
    error_class: str | None = None
    item_errors: list[dict[str, str]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


class _SkipItem(Exception):
    """Raised by a step with ``on_error: skip_item`` to abandon the current loop item."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = cause


def municipality_view(m: Municipality, scenario: Scenario, settings: Settings, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``${municipality}`` / loop item seen by a scenario: registry data plus its own params."""
    return {
        "code": m.code,
        "name": m.name,
        "kind": m.kind,
        "zone": m.zone,
        "portal_url": (m.portal_url or "").rstrip("/"),
        "credentials": m.credentials.model_dump() if m.credentials else {"user": "", "password_secret": ""},
        "input_dir": str(Path(m.input_dir) if m.input_dir else settings.data_dir / m.code),
        "output_dir": str(Path(m.output_dir) if m.output_dir else settings.runs_dir / m.code),
        "office": m.office or "",
        "phone": m.phone or "",
        "params": effective_params(scenario, m, extra or {}),
    }


def execute(
    plan: RunPlan,
    scenario: Scenario,
    registry: Registry,
    store: RunStore,
    settings: Settings,
    *,
    progress: ProgressFn | None = None,
    secret_resolver: Callable[[str], str] = get_secret,
    worker: str | None = None,
) -> RunResult:
    """Run ``plan`` to the end and return its result; never raises for a failed run."""
    if plan.idempotency_key:
        done = store.find_by_key(plan.idempotency_key)
        if done is not None and done.status in ("succeeded", "partial"):
            return RunResult(done.id, done.scenario, done.municipality, "skipped", Path(done.artifact_dir),
                             error="同じ実行（シナリオ・自治体・日付）は完了済みです")
        if done is not None and done.id != plan.run_id:
            store.release_key(done.id)  # a failed or interrupted attempt must not block its re-run
    if scenario.encrypt_artifacts and not plan.dry_run:
        from runner.artifacts import require_key

        require_key()  # fail before anything is written in plain text
    run_id = plan.run_id or new_run_id()
    owner = registry.get(plan.owner)
    munis = [registry.get(c) for c in plan.municipalities]
    artifact_dir = settings.runs_dir / owner.code / run_id
    artifact_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    params = effective_params(scenario, owner if owner.code in plan.municipalities else None, plan.params)
    existing = store.get_run(run_id) if plan.run_id else None
    if existing is not None and existing.status in ("succeeded", "partial"):
        return RunResult(existing.id, existing.scenario, existing.municipality, "skipped", Path(existing.artifact_dir),
                         error="この実行は完了済みです（二重配信）")
    if existing is not None:  # queued by a submitter, or redelivered after a worker died mid-run
        artifact_dir = Path(existing.artifact_dir) if existing.artifact_dir else artifact_dir
        artifact_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        store.update_run(run_id, status="running", started_at=datetime.now(timezone.utc), artifact_dir=str(artifact_dir),
                         attempt=existing.attempt + (existing.status != "queued"))
    else:
        store.create_run(
            run_id=run_id, scenario=scenario.name, version=scenario.version, municipality=owner.code,
            municipalities=plan.municipalities, trigger=plan.trigger, params=plan.params, artifact_dir=str(artifact_dir),
            minutes_per_item=scenario.minutes_per_item, idempotency_key=plan.idempotency_key, rerun_of=plan.rerun_of,
            logical_date=plan.logical_date or datetime.now(JST).date(),
        )
    if worker:
        store.update_run(run_id, worker=worker)
    run_log, handler = _run_logger(run_id, artifact_dir, scenario.personal_columns)
    views = [municipality_view(m, scenario, settings, plan.params) for m in munis]
    owner_view = views[0] if len(views) == 1 else municipality_view(owner, scenario, settings) | {"params": params}
    ctx = RunContext(
        run_id=run_id, artifact_dir=artifact_dir, municipality_code=owner.code, municipality_name=owner.name,
        input_dirs=input_roots(views, owner_view),
        log=run_log, secret_resolver=secret_resolver, dry_run=plan.dry_run,
        settings={"personal_columns": scenario.personal_columns, "home": str(settings.home)},
    )
    today = (plan.logical_date or datetime.now(JST).date())
    scope: dict[str, Any] = {
        "params": params,
        "municipality": owner_view,
        "municipalities": views,
        "run": {"id": run_id, "date": today.isoformat(), "yyyymmdd": today.strftime("%Y%m%d"),
                "artifact_dir": str(artifact_dir), "trigger": plan.trigger},
    }
    runner = _StepRunner(ctx, store, run_id, progress, scenario)
    status, err_text, err_class = "succeeded", None, None
    started = time.monotonic()
    digest = scenario_digest(scenario.name)
    try:
        note_scenario(scenario.name, digest)  # only written when the file's hash changed
    except Exception:  # an audit failure never hides the run's outcome
        log.warning("監査ログへの記録に失敗しました", exc_info=True)
    actor = plan.requested_by or ("system" if plan.trigger == "schedule" else "staff")
    record_quietly(actor, "run.start", f"{scenario.name}/{owner.code}",
                   f"run={run_id} trigger={plan.trigger} scenario_sha256={digest}")
    privacy = personal_scope()
    privacy.__enter__()
    try:
        runner.run(scenario.steps, scope, where=f"{owner.name}({owner.code})")
        if ctx.stats.items_failed or ctx.stats.item_errors:
            status = "partial"
            err_class = "business"
            err_text = f"{len(ctx.stats.item_errors) or ctx.stats.items_failed} 件の項目でエラーがありました"
    except KyodoError as exc:
        status, err_text, err_class = "failed", mask_text(str(exc)), exc.kind
    except Exception as exc:  # a crash in a robot: recorded, never lost, never a raw traceback for staff
        status, err_class = "failed", "application"
        err_text = mask_text(f"予期しないエラー: {exc.__class__.__name__}: {exc}")
        run_log.error("予期しないエラー\n%s", mask_text(traceback.format_exc()))
    finally:
        ctx.close()
        if err_text:
            run_log.warning(err_text)
        run_log.info("終了: %s（%.1f 秒）", status, time.monotonic() - started)
        run_log.removeHandler(handler)
        handler.close()
        if status in ("succeeded", "partial") and not plan.dry_run and not scenario.encrypt_artifacts:
            published = settings.home / "outputs" / owner.code / scenario.name / today.isoformat()
            publish_outputs(artifact_dir, published)
            secure_tree(published, settings.home)
        if scenario.encrypt_artifacts:
            from runner.artifacts import encrypt_tree

            encrypt_tree(artifact_dir)
        secure_tree(artifact_dir, settings.home)
        store.record_artifacts(run_id, artifact_dir)
        store.update_run(
            run_id, status=status, finished_at=datetime.now(timezone.utc), items_ok=ctx.stats.items_ok,
            items_failed=ctx.stats.items_failed, error_class=err_class, error_message=err_text,
        )
        item_errors = [{k: mask_text(v) for k, v in e.items()} for e in ctx.stats.item_errors]
        privacy.__exit__(None, None, None)
        record_quietly("system", "run.finish", f"{scenario.name}/{owner.code}",
                       f"run={run_id} status={status} items={ctx.stats.items_ok} failed={ctx.stats.items_failed}")
    return RunResult(
        run_id=run_id, scenario=scenario.name, owner=owner.code, status=status, artifact_dir=artifact_dir,
        items_ok=ctx.stats.items_ok, items_failed=ctx.stats.items_failed, error=err_text, error_class=err_class,
        item_errors=item_errors,
        outputs={k: v for k, v in scope.items() if k not in ("params", "municipality", "municipalities", "run")},
    )


def secure_tree(root: Path, home: Path | None = None) -> None:
    """Run folders are for the run's municipality only: 0700 folders, 0600 files (and folders below ``home``)."""
    import os

    above = [p for p in root.parents if home is not None and home in p.parents]
    for p in [*above, root, *root.rglob("*")]:
        try:
            os.chmod(p, 0o700 if p.is_dir() else 0o600)
        except OSError:
            pass


def scenario_digest(name: str) -> str:
    """SHA-256 of the scenario file (the audit log shows when a scenario changed)."""
    import hashlib

    from runner.scenario.loader import scenario_path

    try:
        return hashlib.sha256(scenario_path(name).read_bytes()).hexdigest()[:16]
    except Exception:
        return "-"


def publish_outputs(artifact_dir: Path, dest: Path) -> list[Path]:
    """Copy a run's top-level workbooks to the stable folder staff pick them up from.

    The folder is keyed by municipality, scenario and logical date, and each file replaces
    its predecessor atomically, so re-running a day's job never leaves two versions.
    """
    import shutil

    from robots.excel import atomic_path

    out = []
    for f in sorted(artifact_dir.glob("*.xlsx")):
        with atomic_path(dest / f.name) as tmp:
            shutil.copyfile(f, tmp)
        out.append(dest / f.name)
    return out


class _StepRunner:
    """Walks the step tree; one instance per run."""

    def __init__(self, ctx: RunContext, store: RunStore, run_id: str, progress: ProgressFn | None, scenario: Scenario) -> None:
        self.ctx, self.store, self.run_id, self.progress, self.scenario = ctx, store, run_id, progress, scenario
        self.seq = 0
        self.actions = all_actions()

    def _emit(self, event: str, **data: Any) -> None:
        if self.progress:
            self.progress(event, data)

    def run(self, steps: list[Step], scope: dict[str, Any], where: str, ctx: RunContext | None = None, item: str | None = None) -> None:
        ctx = ctx or self.ctx
        for index, step in enumerate(steps):
            label = step.id or step.action or f"step{index + 1}"
            if step.when is not None and not render(step.when, scope):
                self.seq += 1
                sid = self.store.start_step(self.run_id, self.seq, label, step.action, item)
                self.store.finish_step(sid, "skipped", "条件（when）が偽のため実行しませんでした")
                continue
            if step.for_each is not None:
                out = self._loop(step, scope, where, ctx)
            else:
                out = self._action(step, label, scope, where, ctx, item)
            if step.id:
                scope[step.id] = out

    def _loop(self, step: Step, scope: dict[str, Any], where: str, ctx: RunContext) -> list[Any]:
        items = render(step.for_each or "", scope)
        if items is None:
            items = []
        if hasattr(items, "to_dict") and hasattr(items, "columns"):
            items = items.to_dict(orient="records")
        if not isinstance(items, (list, tuple)):
            raise BusinessError(f"for_each の対象がリストではありません（{type(items).__name__}）。", where=where)
        results: list[Any] = []
        self._emit("loop_start", step=step.id, total=len(items))
        for n, value in enumerate(items, 1):
            is_muni = isinstance(value, dict) and "code" in value and "params" in value
            label = f"{value['name']}({value['code']})" if is_muni else f"{step.as_}[{n}]"
            sub_ctx = ctx.scoped(municipality_code=value["code"], municipality_name=value["name"]) if is_muni else ctx
            sub_scope = {**scope, step.as_: value}
            self._emit("item_start", item=label, n=n, total=len(items))
            try:
                sub_where = where if where == label else f"{where} / {label}"
                self.run(step.steps or [], sub_scope, sub_where, sub_ctx, label)
                results.append(render(getattr(step, "collect", None), sub_scope) if getattr(step, "collect", None) is not None
                               else {k: v for k, v in sub_scope.items() if k not in scope or k == step.as_})
                self._emit("item_done", item=label, ok=True)
            except (_SkipItem, KyodoError) as exc:
                cause = exc.cause if isinstance(exc, _SkipItem) else exc
                if step.on_error != "skip_item" and not isinstance(exc, _SkipItem):
                    raise
                msg = mask_text(str(cause))
                ctx.item_error(label, msg)
                ctx.log.warning("項目をスキップ: %s: %s", label, msg)
                self._emit("item_done", item=label, ok=False, error=msg)
        if items and not results:
            first = ctx.stats.item_errors[-1]["message"] if ctx.stats.item_errors else ""
            raise BusinessError(f"すべての項目（{len(items)} 件）でエラーになりました。{first}")
        return results

    def _action(self, step: Step, label: str, scope: dict[str, Any], where: str, ctx: RunContext, item: str | None) -> Any:
        spec = self.actions.get(step.action or "")
        if spec is None:
            raise BusinessError(f"アクション「{step.action}」はありません。", where=f"{where} / {label}")
        attempts = (step.retry.times if step.retry else 3) if step.on_error == "retry" else 1
        backoff = step.retry.backoff_seconds if step.retry else 2.0
        for attempt in range(1, attempts + 1):
            self.seq += 1
            sid = self.store.start_step(self.run_id, self.seq, label, spec.name, item, attempt)
            ctx.log.info("開始: %s %s%s", where, step.title or label, f"（{attempt}回目）" if attempt > 1 else "")
            try:
                args = render(step.with_, scope)
                out = call_action(spec, ctx, args, where=f"{where} / {label}")
                if self.scenario.personal_columns:
                    register_personal_columns(out, self.scenario.personal_columns)
                self.store.finish_step(sid, "succeeded", _describe(out))
                return out
            except KyodoError as exc:
                exc.located(f"{where} / ステップ「{step.title or label}」") if label not in (exc.where or "") else None
                self.store.finish_step(sid, "failed", mask_text(str(exc)))
                ctx.log.error("失敗: %s", mask_text(str(exc)))
                if error_kind(exc) == "application" and attempt < attempts:
                    time.sleep(backoff * 2 ** (attempt - 1))
                    continue
                if step.on_error == "skip_item" and item is not None:
                    raise _SkipItem(exc) from None
                if step.on_error == "skip_item":
                    ctx.item_error(label, mask_text(str(exc)))
                    return None
                raise
            except Exception as exc:
                wrapped = ApplicationError(f"{exc.__class__.__name__}: {exc}", where=f"{where} / ステップ「{step.title or label}」")
                self.store.finish_step(sid, "failed", mask_text(str(wrapped)))
                ctx.log.error("失敗: %s\n%s", mask_text(str(wrapped)), mask_text(traceback.format_exc()))
                if attempt < attempts:
                    time.sleep(backoff * 2 ** (attempt - 1))
                    continue
                if step.on_error == "skip_item" and item is not None:
                    raise _SkipItem(wrapped) from None
                raise wrapped from None
        return None


@lru_cache(maxsize=None)
def _args_model(spec: ActionSpec) -> Any:
    fields: dict[str, Any] = {}
    hints = _hints(spec)
    for name, p in spec.parameters.items():
        ann = hints.get(name, Any)
        fields[name] = (ann, ... if p.default is p.empty else p.default)
    return create_model(f"Args_{spec.name.replace('.', '_')}", __config__=ConfigDict(arbitrary_types_allowed=True, extra="forbid"), **fields)


def _hints(spec: ActionSpec) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(spec.func)
    except Exception:
        return {}


def call_action(spec: ActionSpec, ctx: RunContext, args: dict[str, Any], *, where: str = "") -> Any:
    """Validate ``args`` against the action's type hints, then call it."""
    try:
        model = _args_model(spec).model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '引数'}: {_ja_msg(e)}" for e in exc.errors())
        raise BusinessError(f"{spec.name} の引数に誤りがあります: {problems}", where=where,
                            hint=f"kyodo actions {spec.name} で使い方を確認してください。") from None
    values = {k: getattr(model, k) for k in spec.parameters}
    if ctx.dry_run:
        ctx.log.info("（試行）%s %s", spec.name, ", ".join(f"{k}={_describe(v)}" for k, v in values.items()))
        return None
    return spec.func(ctx, **values)


def _ja_msg(err: dict[str, Any]) -> str:
    t = err.get("type", "")
    if t == "missing":
        return "必須です"
    if t == "extra_forbidden":
        return "この引数はありません"
    return str(err.get("msg", ""))


def _describe(value: Any) -> str:
    """A short, personal-data-free description of a step output for the step log."""
    if value is None:
        return ""
    if hasattr(value, "shape") and hasattr(value, "columns"):
        return f"表 {value.shape[0]} 行 × {value.shape[1]} 列"
    if isinstance(value, Path):
        return value.name
    if isinstance(value, (list, tuple)):
        return f"{len(value)} 件"
    if isinstance(value, dict):
        return f"{len(value)} 項目"
    return mask_text(str(value))[:80]


def _run_logger(run_id: str, artifact_dir: Path, personal: list[str]) -> tuple[logging.Logger, logging.Handler]:
    from runner.logs import MaskingFormatter

    logger = logging.getLogger(f"kyodo.run.{run_id}")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the run log file is the record; the console shows progress
    handler = logging.FileHandler(artifact_dir / "run.log", encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger, handler

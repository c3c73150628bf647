"""The scenario engine: runs one plan's steps in order and records everything in the run store.

Data flows one way: scenario → engine → robot actions → artifacts → run store. The engine
resolves ``${...}`` variables, validates each action's arguments against its type hints,
applies ``when``/``for_each``/``on_error``/``retry``, masks every message it stores, and
always finishes the run record (also when a step crashes).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import time
import traceback
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, ValidationError, create_model

from kyodo.core.errors import ApplicationError, BusinessError, ErrorKind, KyodoError, error_kind
from kyodo.core.jst import JST
from kyodo.core.messages import japanese_message
from kyodo.core.privacy import mask_text, personal_scope, register_personal_columns
from kyodo.core.settings import Settings
from kyodo.core.status import DONE, RunStatus, Trigger
from kyodo.robots import ActionSpec, RunContext, all_actions
from kyodo.robots.excel import atomic_path
from kyodo.robots.progress import ProgressEvent, ProgressReporter, Tick
from kyodo.runner.artifacts import encrypt_tree, require_key
from kyodo.runner.audit import note_scenario, record_quietly
from kyodo.runner.checkpoints import Checkpoints
from kyodo.runner.heartbeat import Heartbeat
from kyodo.runner.logs import MaskingFormatter
from kyodo.runner.plan import RunPlan, effective_params, keep_scenario_text
from kyodo.runner.privatefiles import secure_tree
from kyodo.runner.registry import Municipality, Registry
from kyodo.runner.scenario.expr import render
from kyodo.runner.scenario.inputs import input_roots
from kyodo.runner.scenario.loader import scenario_path
from kyodo.runner.scenario.model import Retry, Scenario, Step
from kyodo.runner.scenario.scope import BUILTIN_NAMES, RUN_FIELDS
from kyodo.runner.secrets import get_secret
from kyodo.runner.store import RunStore, new_run_id

log = logging.getLogger("kyodo.engine")

ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass
class RunResult:
    """What a caller (CLI, scheduler, worker) needs to know about a finished run."""

    run_id: str
    scenario: str
    owner: str
    status: RunStatus
    artifact_dir: Path
    items_ok: int = 0
    items_failed: int = 0
    error: str | None = None
    error_class: str | None = None
    item_errors: list[dict[str, str]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.SUCCEEDED


class _SkipItem(Exception):
    """Raised by a step with ``on_error: skip_item`` to abandon the current loop item."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = cause


def municipality_view(m: Municipality, scenario: Scenario, settings: Settings, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``${municipality}`` / loop item seen by a scenario (MUNICIPALITY_FIELDS): registry data plus its own params."""
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
        "profile": m.profile_view,
    }


@dataclass
class _Run:
    """A started run as it passes through the stages of :func:`execute`."""

    id: str
    owner: Municipality
    artifact_dir: Path
    today: date
    started: float = field(default_factory=time.monotonic)
    status: RunStatus = RunStatus.SUCCEEDED
    error: str | None = None
    error_class: str | None = None
    ctx: RunContext | None = None
    munis: list[Municipality] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    item_errors: list[dict[str, str]] = field(default_factory=list)
    log: logging.Logger | None = None

    def fail(self, exc: BaseException, stage: str = "") -> None:
        """Record ``exc`` as the run's failure (the first one wins; a crash is logged with its trace)."""
        if self.status == RunStatus.FAILED and self.error:
            log.warning("実行 %s: %s でも失敗しました: %s", self.id, stage or "後処理", mask_text(repr(exc)))
            return
        if isinstance(exc, KyodoError):
            self.error, self.error_class = mask_text(str(exc)), exc.kind
        else:
            prefix = f"{stage}に失敗しました" if stage else "予期しないエラー"
            self.error, self.error_class = mask_text(f"{prefix}: {exc.__class__.__name__}: {exc}"), ErrorKind.APPLICATION
            (self.log or log).error("%s\n%s", prefix, mask_text(traceback.format_exc()))
        self.status = RunStatus.FAILED


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
    """Run ``plan`` to the end and return its result.

    Before the run record exists, a plan that cannot start (unknown municipality, no encryption
    key, database down) raises a KyodoError and nothing is written. Once the record exists nothing
    raises: the steps, the run log, publishing, encryption, recording artifacts and the final
    status are stages inside one ExitStack, each failure is kept as the run's error, and the
    record always ends with a final status.
    """
    run = _begin(plan, scenario, registry, store, settings, worker)
    if isinstance(run, RunResult):
        return run  # already done: nothing to do
    with contextlib.ExitStack() as stack:
        stack.enter_context(_stage(run, "個人情報の保護設定"))
        stack.enter_context(Heartbeat(store, run.id, settings.run_stale_minutes))  # until the record is final (a beat only touches a running run)
        stack.enter_context(personal_scope())  # ends last: the final messages are masked with it
        stack.callback(_guarded, run, "実行結果の記録", _record_final, store, run)
        stack.callback(_guarded, run, "成果物の記録", store.record_artifacts, run.id, run.artifact_dir)
        stack.callback(_guarded, run, "成果物の公開・保護", _finish_files, plan, scenario, settings, run)
        stack.callback(_guarded, run, "実行ログの終了", _close_log, run)
        with _stage(run, "実行の準備"):
            runner = _prepare(run, plan, scenario, store, settings, progress, secret_resolver)
            _audit_start(plan, scenario, run)
        if run.ctx is not None:
            stack.callback(_guarded, run, "後片付け", run.ctx.close)  # robots' resources (browser) first
        if run.status != RunStatus.FAILED:
            with _stage(run, ""):
                runner.run(scenario.steps, run.scope, where=f"{run.owner.name}({run.owner.code})")
                _judge_items(run)
    stats = run.ctx.stats if run.ctx else None
    record_quietly("system", "run.finish", f"{scenario.name}/{run.owner.code}",
                   f"run={run.id} status={run.status} items={stats.items_ok if stats else 0} "
                   f"failed={stats.items_failed if stats else 0}")
    return RunResult(
        run_id=run.id, scenario=scenario.name, owner=run.owner.code, status=run.status, artifact_dir=run.artifact_dir,
        items_ok=stats.items_ok if stats else 0, items_failed=stats.items_failed if stats else 0, error=run.error,
        error_class=run.error_class, item_errors=run.item_errors,
        outputs={k: v for k, v in run.scope.items() if k not in BUILTIN_NAMES},
    )


@contextlib.contextmanager
def _stage(run: _Run, name: str) -> Iterator[None]:
    """Any failure inside becomes the run's failure instead of an exception. A stop (Ctrl+C, a
    worker's shutdown) still stops, but the record says 中断 rather than the default 成功."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - recorded as the run's outcome
        run.fail(exc, name)
    except BaseException:
        if run.status != RunStatus.FAILED:
            run.status, run.error_class = RunStatus.INTERRUPTED, ErrorKind.APPLICATION
            run.error = "実行が停止の指示で中断されました（再実行できます: kyodo runs rerun）"
        raise


def _guarded(run: _Run, name: str, fn: Callable[..., Any], *args: Any) -> None:
    with _stage(run, name):
        fn(*args)


def _begin(plan: RunPlan, scenario: Scenario, registry: Registry, store: RunStore, settings: Settings,
           worker: str | None) -> _Run | RunResult:
    """Idempotency checks and the run record (created, or a queued/redelivered one taken over)."""
    done = store.duplicate_of(plan.idempotency_key, DONE, own_id=plan.run_id)
    if done is not None:
        return RunResult(done.id, done.scenario, done.municipality, RunStatus.SKIPPED, Path(done.artifact_dir),
                         error="同じ実行（シナリオ・自治体・日付）は完了済みです")
    if scenario.encrypt_artifacts and not plan.dry_run:
        require_key()  # fail before anything is written in plain text
    run_id = plan.run_id or new_run_id()
    owner = registry.get(plan.owner)
    munis = [registry.get(c) for c in plan.municipalities]
    artifact_dir = settings.runs_dir / owner.code / run_id
    existing = store.get_run(run_id) if plan.run_id else None
    if existing is not None and existing.status in DONE:
        return RunResult(existing.id, existing.scenario, existing.municipality, RunStatus.SKIPPED, Path(existing.artifact_dir),
                         error="この実行は完了済みです（二重配信）")
    artifact_dir = Path(existing.artifact_dir) if existing is not None and existing.artifact_dir else artifact_dir
    try:
        artifact_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        keep_scenario_text(plan, artifact_dir)  # a re-run of ./my.yaml repeats that text
    except OSError as exc:
        raise ApplicationError(f"成果物フォルダを作れません（{exc.strerror}）。", where=str(artifact_dir),
                               hint="ディスクの空きと KYODO_HOME の書き込み権限を確認してください。") from None
    today = plan.logical_date or datetime.now(JST).date()
    if existing is not None:  # queued by a submitter (dashboard re-run, Celery), or redelivered after a crash
        fields: dict[str, Any] = {"status": RunStatus.RUNNING, "started_at": datetime.now(UTC),
                                  "finished_at": None, "error_class": None, "error_message": None,  # an interrupted attempt's end no longer holds
                                  "artifact_dir": str(artifact_dir), "attempt": existing.attempt + (existing.status != RunStatus.QUEUED),
                                  "scenario_version": scenario.version, "minutes_per_item": scenario.minutes_per_item}
        if plan.idempotency_key and not existing.idempotency_key and store.find_by_key(plan.idempotency_key) is None:
            fields["idempotency_key"] = plan.idempotency_key
        store.update_run(run_id, **fields)
    else:
        store.record_plan(plan, run_id=run_id, scenario=scenario.name, version=scenario.version, artifact_dir=str(artifact_dir),
                          minutes_per_item=scenario.minutes_per_item, status=RunStatus.RUNNING, key=plan.idempotency_key,
                          logical_date=today)
    run = _Run(run_id, owner, artifact_dir, today, munis=munis)
    if worker:
        with _stage(run, "ワーカー名の記録"):
            store.update_run(run_id, worker=worker)
    return run


def _prepare(run: _Run, plan: RunPlan, scenario: Scenario, store: RunStore, settings: Settings,
             progress: ProgressFn | None, secret_resolver: Callable[[str], str]) -> _StepRunner:
    """The run log, the robots' context and the ``${...}`` scope; returns the step runner."""
    owner, artifact_dir = run.owner, run.artifact_dir
    run.log, _ = _run_logger(run.id, artifact_dir, scenario.personal_columns)
    params = effective_params(scenario, owner if owner.code in plan.municipalities else None, plan.params)
    views = [municipality_view(m, scenario, settings, plan.params) for m in run.munis]
    owner_view = views[0] if len(views) == 1 else municipality_view(owner, scenario, settings) | {"params": params}
    run.ctx = RunContext(
        run_id=run.id, artifact_dir=artifact_dir, municipality_code=owner.code, municipality_name=owner.name,
        input_dirs=input_roots(views, owner_view),
        log=run.log, secret_resolver=secret_resolver, dry_run=plan.dry_run,
        settings={"personal_columns": scenario.personal_columns, "home": str(settings.home)},
    )
    run.scope.update({
        "params": params,
        "municipality": owner_view,
        "municipalities": views,
        "run": dict(zip(RUN_FIELDS, (run.id, run.today.isoformat(), run.today.strftime("%Y%m%d"), str(artifact_dir),
                                     plan.trigger), strict=True)),
    })
    runner = _StepRunner(run.ctx, store, run.id, progress, scenario)
    if progress is not None:  # nobody watching: actions' ticks cost one ``is None`` check
        run.ctx.progress_reporter = ProgressReporter(runner.action_tick)
    resume = store.get_run(plan.resume_from) if plan.resume_from else None
    runner.checkpoints = Checkpoints(artifact_dir, runs_dir=settings.runs_dir,
                                     resume_dir=Path(resume.artifact_dir) if resume and resume.artifact_dir else None,
                                     enabled=not plan.dry_run and not scenario.encrypt_artifacts)
    return runner


def _audit_start(plan: RunPlan, scenario: Scenario, run: _Run) -> None:
    digest = plan.scenario_sha256[:16] if plan.scenario_sha256 else scenario_digest(scenario.name)  # a carried file: its own hash
    try:
        note_scenario(scenario.name, digest)  # only written when the file's hash changed
    except Exception:  # an audit failure never hides the run's outcome
        log.warning("監査ログへの記録に失敗しました", exc_info=True)
    actor = plan.requested_by or ("system" if plan.trigger == Trigger.SCHEDULE else "staff")
    record_quietly(actor, "run.start", f"{scenario.name}/{run.owner.code}",
                   f"run={run.id} trigger={plan.trigger} scenario_sha256={digest}")


def _judge_items(run: _Run) -> None:
    """All steps done: item errors make the run partial."""
    stats = run.ctx.stats if run.ctx else None
    if stats and (stats.items_failed or stats.item_errors):
        run.status = RunStatus.PARTIAL
        run.error_class = ErrorKind.APPLICATION if stats.application_errors else ErrorKind.BUSINESS  # an outage: a retry helps
        run.error = f"{len(stats.item_errors) or stats.items_failed} 件の項目でエラーがありました"


def _close_log(run: _Run) -> None:
    if run.log is None:
        return
    try:
        if run.error:
            run.log.warning(run.error)
        run.log.info("終了: %s（%.1f 秒）", run.status, time.monotonic() - run.started)
    finally:
        for handler in list(run.log.handlers):
            run.log.removeHandler(handler)
            handler.close()


def _finish_files(plan: RunPlan, scenario: Scenario, settings: Settings, run: _Run) -> None:
    """Publish good outputs, encrypt if asked, and make everything owner-only."""
    try:
        if run.status in DONE and not plan.dry_run and not scenario.encrypt_artifacts:
            published = settings.home / "outputs" / run.owner.code / scenario.name / run.today.isoformat()
            publish_outputs(run.artifact_dir, published)
            secure_tree(published, settings.home)
        if scenario.encrypt_artifacts:
            encrypt_tree(run.artifact_dir)
    finally:
        secure_tree(run.artifact_dir, settings.home)


def _record_final(store: RunStore, run: _Run) -> None:
    """The run's final status; retried briefly, because a run must never stay 'running'."""
    stats = run.ctx.stats if run.ctx else None
    run.item_errors = [{k: mask_text(v) for k, v in e.items()} for e in (stats.item_errors if stats else [])]
    for attempt in range(3):
        try:
            store.update_run(run.id, status=run.status, finished_at=datetime.now(UTC),
                             items_ok=stats.items_ok if stats else 0, items_failed=stats.items_failed if stats else 0,
                             error_class=run.error_class, error_message=run.error)
            return
        except KyodoError:
            if attempt == 2:
                raise
            time.sleep(0.5 * (attempt + 1))


def scenario_digest(name: str) -> str:
    """SHA-256 of the scenario file (the audit log shows when a scenario changed)."""
    try:
        return hashlib.sha256(scenario_path(name).read_bytes()).hexdigest()[:16]
    except Exception:
        return "-"


def publish_outputs(artifact_dir: Path, dest: Path) -> list[Path]:
    """Copy a run's top-level workbooks to the stable folder staff pick them up from.

    The folder is keyed by municipality, scenario and logical date, and each file replaces
    its predecessor atomically, so re-running a day's job never leaves two versions.
    """
    out = []
    for f in sorted(artifact_dir.glob("*.xlsx")):
        with atomic_path(dest / f.name) as tmp:
            shutil.copyfile(f, tmp)
        out.append(dest / f.name)
    return out


def item_label(name: str, value: Any, n: int) -> str:
    """How a loop item is named in logs, errors and progress: by its value, not ``proc[3]``."""
    if isinstance(value, dict):
        if "code" in value and "name" in value:
            return f"{value['name']}({value['code']})"
        shown = next((value[k] for k in ("name", "title", "label", "code", "id") if value.get(k) not in (None, "")), None)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        shown = value
    else:
        shown = None
    if shown is None:
        return f"{name}[{n}]"
    text = mask_text(str(shown)).replace("\n", " ").strip()
    return text if len(text) <= 40 else text[:39] + "…"


class _StepRunner:
    """Walks the step tree; one instance per run."""

    def __init__(self, ctx: RunContext, store: RunStore, run_id: str, progress: ProgressFn | None, scenario: Scenario) -> None:
        self.ctx, self.store, self.run_id, self.progress, self.scenario = ctx, store, run_id, progress, scenario
        self.seq = 0
        self.depth = 0  # nesting of for_each (progress events carry it: a bar per loop level)
        self.step_title = ""  # the running action's step, named in its in-action progress events
        self.checkpoints: Checkpoints | None = None
        self.actions = all_actions()

    def _emit(self, event: str, **data: Any) -> None:
        if self.progress:
            self.progress(event, {"run_id": self.run_id, **data})

    def action_tick(self, tick: Tick) -> None:
        """An action's own progress (pages, items) as an event one level below the loop it runs in."""
        self._emit(ProgressEvent.ACTION_PROGRESS, label=tick.label, done=tick.done, total=tick.total,
                   item=mask_text(tick.item) if tick.item else "", depth=self.depth, step=self.step_title)

    def _call(self, spec: ActionSpec, ctx: RunContext, args: dict[str, Any], where: str, title: str) -> Any:
        """``call_action`` with the step named for progress, and the end of its progress announced."""
        self.step_title = title
        try:
            return call_action(spec, ctx, args, where=where)
        finally:
            reporter = ctx.progress_reporter
            if reporter is not None and reporter.finish():
                self._emit(ProgressEvent.ACTION_END, depth=self.depth, step=title)

    def run(self, steps: list[Step], scope: dict[str, Any], where: str, ctx: RunContext | None = None, item: str | None = None) -> None:
        ctx = ctx or self.ctx
        for index, step in enumerate(steps):
            label = step.id or step.action or f"step{index + 1}"
            if step.when is not None and not render(step.when, scope):
                self.seq += 1
                sid = self.store.start_step(self.run_id, self.seq, label, step.action, item)
                self.store.finish_step(sid, RunStatus.SKIPPED, "条件（when）が偽のため実行しませんでした")
                if step.id:
                    scope[step.id] = None  # a skipped step's result is empty (``first(a, b)`` picks the other)
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
        depth = self.depth
        self.depth += 1
        self._emit("loop_start", step=step.id, total=len(items), depth=depth)
        for n, value in enumerate(items, 1):
            is_muni = isinstance(value, dict) and "code" in value and "params" in value
            label = item_label(step.as_, value, n)
            sub_ctx = ctx.scoped(municipality_code=value["code"], municipality_name=value["name"]) if is_muni else ctx
            sub_scope = {**scope, step.as_: value}
            self._emit("item_start", item=label, n=n, total=len(items), depth=depth)
            checkpoints = self.checkpoints if is_muni and depth == 0 else None  # only the outermost loop keeps results
            if checkpoints is not None and step.id:
                found, result = checkpoints.load(step.id, value["code"])
                if found:
                    results.append(result)
                    ctx.log.info("前回の結果を使います: %s", label)
                    self._emit("item_done", item=label, ok=True, reused=True, depth=depth)
                    continue
            try:
                sub_where = where if where == label else f"{where} / {label}"
                self.run(step.steps or [], sub_scope, sub_where, sub_ctx, label)
                results.append(render(getattr(step, "collect", None), sub_scope) if getattr(step, "collect", None) is not None
                               else {k: v for k, v in sub_scope.items() if k not in scope or k == step.as_})
                if checkpoints is not None and step.id:
                    checkpoints.save(step.id, value["code"], results[-1])
                self._emit("item_done", item=label, ok=True, depth=depth)
            except (_SkipItem, KyodoError) as exc:
                cause = exc.cause if isinstance(exc, _SkipItem) else exc
                if step.on_error != "skip_item" and not isinstance(exc, _SkipItem):
                    self.depth = depth
                    raise
                msg = mask_text(str(cause))
                ctx.item_error(label, msg, kind=error_kind(cause))
                ctx.log.warning("項目をスキップ: %s: %s", label, msg)
                self._emit("item_done", item=label, ok=False, error=msg, depth=depth)
        self.depth = depth
        if items and not results:
            first = ctx.stats.item_errors[-1]["message"] if ctx.stats.item_errors else ""
            raise BusinessError(f"すべての項目（{len(items)} 件）でエラーになりました。{first}")
        return results

    def _action(self, step: Step, label: str, scope: dict[str, Any], where: str, ctx: RunContext, item: str | None) -> Any:
        spec = self.actions.get(step.action or "")
        if spec is None:
            raise BusinessError(f"アクション「{step.action}」はありません。", where=f"{where} / {label}")
        retry = step.retry or Retry()  # the defaults live on the model (kyodo.runner.scenario.model)
        attempts = retry.times if step.on_error == "retry" else 1
        backoff = retry.backoff_seconds
        for attempt in range(1, attempts + 1):
            self.seq += 1
            sid = self.store.start_step(self.run_id, self.seq, label, spec.name, item, attempt)
            ctx.log.info("開始: %s %s%s", where, step.title or label, f"（{attempt}回目）" if attempt > 1 else "")
            try:
                args = render(step.with_, scope)
                out = self._call(spec, ctx, args, f"{where} / {label}", step.title or spec.title or label)
                if self.scenario.personal_columns:
                    register_personal_columns(out, self.scenario.personal_columns)
                self.store.finish_step(sid, RunStatus.SUCCEEDED, _describe(out))
                return out
            except KyodoError as exc:
                exc.located(f"{where} / ステップ「{step.title or label}」") if label not in (exc.where or "") else None
                self.store.finish_step(sid, RunStatus.FAILED, mask_text(str(exc)))
                ctx.log.error("失敗: %s", mask_text(str(exc)))
                if error_kind(exc) == ErrorKind.APPLICATION and attempt < attempts:
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
                self.store.finish_step(sid, RunStatus.FAILED, mask_text(str(wrapped)))
                ctx.log.error("失敗: %s\n%s", mask_text(str(wrapped)), mask_text(traceback.format_exc()))
                if attempt < attempts:
                    time.sleep(backoff * 2 ** (attempt - 1))
                    continue
                if step.on_error == "skip_item" and item is not None:
                    raise _SkipItem(wrapped) from None
                raise wrapped from None
        return None


@cache
def _args_model(spec: ActionSpec) -> Any:
    fields: dict[str, Any] = {}
    hints = _hints(spec)
    for name, p in spec.parameters.items():
        ann = hints.get(name, Any)
        fields[name] = (ann, ... if p.default is p.empty else p.default)
    return create_model(f"Args_{spec.name.replace('.', '_')}", __config__=ConfigDict(arbitrary_types_allowed=True, extra="forbid"), **fields)


def _hints(spec: ActionSpec) -> dict[str, Any]:
    try:
        return typing.get_type_hints(spec.func)
    except Exception:
        return {}


def call_action(spec: ActionSpec, ctx: RunContext, args: dict[str, Any], *, where: str = "") -> Any:
    """Validate ``args`` against the action's type hints, then call it."""
    try:
        model = _args_model(spec).model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '引数'}: {japanese_message(e)}" for e in exc.errors())
        raise BusinessError(f"{spec.name} の引数に誤りがあります: {problems}", where=where,
                            hint=f"kyodo actions {spec.name} で使い方を確認してください。") from None
    values = {k: getattr(model, k) for k in spec.parameters}
    if ctx.dry_run:
        ctx.log.info("（試行）%s %s", spec.name, ", ".join(f"{k}={_describe(v)}" for k, v in values.items()))
        return None
    return spec.func(ctx, **values)


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
    logger = logging.getLogger(f"kyodo.run.{run_id}")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the run log file is the record; the console shows progress
    handler = logging.FileHandler(artifact_dir / "run.log", encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger, handler

"""The one rule for repeating a stored run, shared by ``kyodo runs rerun`` and the dashboard's button.

- A failed, interrupted or unsubmitted run is repeated with the same parameters and logical date.
- A partial run over several municipalities takes over the municipalities it finished and redoes
  only the others, merging them into one workbook; its idempotency key (scenario, owner, day) is
  released so that the re-run may finish that day instead of being skipped as a duplicate.
- One municipality's failed part of a multi-municipality run may be re-run alone.
- At most one re-run per run and municipality is queued or running: the database decides
  (``uq_runs_active_rerun``), so concurrent requests start exactly one.
- A run whose re-run already finished is not repeated again, unless forced (``--force``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError, ErrorKind
from kyodo.core.status import ACTIVE, RERUNNABLE, STATUS_JA, RunStatus
from kyodo.runner.plan import RunPlan, rerun_plan
from kyodo.runner.run_parts import (
    is_multi,
    part_of,
)
from kyodo.runner.store import RunFilter, RunStore, new_run_id


class RerunRefused(BusinessError):
    """The run (or part) cannot be re-run now; the message says why (the dashboard answers 409)."""


class AlreadyDone(RerunRefused):
    """The day's work is done (the run or a re-run of it finished): nothing to repeat without ``--force``."""


HINT = "kyodo runs list またはダッシュボードで状態を確認してください。"
FORCE_HINT = "どうしてもやり直す場合は、担当者が kyodo runs rerun 実行ID --force で実行してください（公開先の成果物は置き換わります）。"


def reruns_of(store: RunStore, run: Any) -> list[Any]:
    """Every re-run started from ``run``, newest first."""
    return store.list_runs(RunFilter(rerun_of=run.id, limit=10_000))


def refusal(run: Any, reruns: Sequence[Any], *, part: str | None = None, force: bool = False,
            names: Mapping[str, str] | None = None) -> RerunRefused | None:
    """Why ``run`` (or municipality ``part``'s share of it) cannot be re-run now; None when it can.

    The dashboard shows its buttons by this, and both the dashboard and the CLI refuse by it.
    """
    name = (names or {}).get(part or "")
    town = f"{name}（{part}）" if name else f"自治体コード {part}"
    if run.status in ACTIVE:
        return RerunRefused(f"実行「{run.id}」はまだ{STATUS_JA[run.status]}です（別の処理が実行しています）。",
                            hint="終わってから再実行してください。止まっている場合はその処理を終了させてから再実行してください。")
    if run.status not in RERUNNABLE and not force:
        return AlreadyDone(f"この実行は「{STATUS_JA.get(run.status, run.status)}」のため再実行できません。", hint=FORCE_HINT)
    if part is not None:
        if part not in (run.municipalities or []) or not is_multi(run):
            return RerunRefused(f"この実行には{town}の分がありません。", hint=HINT)
        if part_of(run, part, part).status != RunStatus.FAILED and not force:
            return AlreadyDone(f"{town}の分は失敗していないため再実行できません。", hint=FORCE_HINT)
    targets = {part} if part else set(run.municipalities or [run.municipality])
    mine = [r for r in reruns if targets & set(r.municipalities or [r.municipality])]  # re-runs covering the same towns
    if any(r.status in ACTIVE for r in mine):
        return RerunRefused("この実行の再実行は既に動いています。終わるまでお待ちください。", hint=HINT)
    done = next((r for r in mine if r.status not in RERUNNABLE), None)
    if done is not None and not force:
        return AlreadyDone(f"この実行は既に再実行されています（{STATUS_JA.get(done.status, done.status)}、実行ID {done.id}）。"
                           "結果は再実行の画面で確認してください。", hint=FORCE_HINT)
    return None


def start_rerun(store: RunStore, run: Any, *, runs_dir: Path, requested_by: str | None, part: str | None = None,
                force: bool = False, names: Mapping[str, str] | None = None) -> RunPlan:
    """Check the rule, plan the re-run and record it as queued; the caller hands the plan to an executor.

    Raises :class:`RerunRefused` (:class:`AlreadyDone` when there is nothing left to do), or
    BusinessError for parameters that were stored masked.
    """
    refused = refusal(run, reruns_of(store, run), part=part, force=force, names=names)
    if refused is not None:
        raise refused
    plan = rerun_plan(run, requested_by=requested_by)
    if part is not None:  # only this municipality, from scratch: its share of the earlier run failed
        plan = plan.model_copy(update={"owner": part, "municipalities": [part], "resume_from": None})
    run_id = new_run_id()
    plan = plan.model_copy(update={"run_id": run_id})
    claimed = store.claim_rerun(plan, run_id=run_id, version=run.scenario_version,
                                artifact_dir=str(runs_dir / plan.owner / run_id), minutes_per_item=run.minutes_per_item)
    if claimed is None:  # another request won the race
        raise RerunRefused("この実行の再実行は既に動いています。終わるまでお待ちください。", hint=HINT)
    _free_the_day(store, run, plan, force)
    return plan


def _free_the_day(store: RunStore, run: Any, plan: RunPlan, force: bool) -> None:
    """Release the idempotency key a partial run (or a partial re-run of it) holds, so this re-run may finish the day.

    A failed or interrupted holder is released by the engine itself; a succeeded one only with ``force``.
    """
    if not plan.idempotency_key:
        return
    holder = store.find_by_key(plan.idempotency_key)
    if holder is None or holder.id == plan.run_id:
        return
    ours = holder.id == run.id or holder.rerun_of == run.id
    if force or (ours and holder.status == RunStatus.PARTIAL):
        store.release_key(holder.id)


def settle_claim(store: RunStore, plan: RunPlan, executor: str, results: Sequence[Any]) -> None:
    """A claimed re-run that the executor did not take (skipped as already done, or a crash before it
    started) must not stay 待機中 and block the next re-run: give it a final status saying why."""
    if not plan.run_id:
        return
    run = store.get_run(plan.run_id)
    if run is None or run.status != RunStatus.QUEUED or executor == "celery":
        return  # started, or waiting in the broker's queue
    skipped = next((r for r in results if r.status == RunStatus.SKIPPED), None)
    store.update_run(plan.run_id, status=RunStatus.SKIPPED if skipped else RunStatus.NOT_SUBMITTED, finished_at=datetime.now(UTC),
                     error_class=None if skipped else ErrorKind.APPLICATION,
                     error_message=skipped.error if skipped else "再実行を開始できませんでした（運用担当者のログを確認してください）。")


def kept_items(run: Any) -> list[str]:
    """Municipality codes whose results the earlier run kept (``<run folder>/.items/<loop>/<code>.json``)."""
    if not run.artifact_dir:
        return []
    return sorted({f.stem for f in Path(run.artifact_dir).glob(".items/*/*.json")})

"""Celery executor: record each run as queued, then send the plan to its network zone's queue.

Nothing is lost when the broker is down: the run row is written first and marked
``not_submitted`` with the reason, and ``kyodo runs rerun ID`` submits it again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kombu.exceptions import OperationalError

from kyodo import runner
from kyodo.core.errors import ApplicationError, ErrorKind
from kyodo.core.privacy import mask_data
from kyodo.core.settings import Settings
from kyodo.core.status import ACTIVE, DONE, RunStatus
from kyodo.runner.engine import ProgressFn, RunResult
from kyodo.runner.plan import RunPlan, plan_scenario
from kyodo.runner.registry import Registry
from kyodo.runner.store import RunStore, new_run_id
from kyodo.runner.worker.app import broker_url, celery_app, queue_for
from kyodo.runner.worker.sealing import broker_key, seal

log = logging.getLogger("kyodo.celery")


def served_queues(timeout: float = 1.0) -> set[str] | None:
    """Queues that live workers consume, or None when no worker answered in time."""
    try:
        replies = celery_app().control.inspect(timeout=timeout).active_queues() or {}
    except Exception:
        return None
    return {q["name"] for queues in replies.values() for q in queues} if replies else None


class CeleryExecutor:
    """Submits plans to ``kyodo.<zone>`` queues; results arrive in the shared run store."""

    name = "celery"

    def __init__(self, registry: Registry, store: RunStore, settings: Settings, *, check_workers: bool = True) -> None:
        self.registry, self.store, self.settings, self.check_workers = registry, store, settings, check_workers
        self.warnings: list[str] = []

    def submit(self, plans: list[RunPlan], *, progress: ProgressFn | None = None) -> list[RunResult]:
        app = celery_app()
        served = served_queues() if self.check_workers else None
        results, failed = [], []
        scenarios: dict[tuple[str, str | None], Any] = {}
        sealing = broker_key()  # BROKER_KEY: plans cross the broker sealed (runner/worker/sealing.py)
        for plan in plans:
            key = (plan.scenario, plan.scenario_sha256)  # a DX leader's own file travels as text, checked here like on the worker
            scenario = scenarios.get(key) or scenarios.setdefault(key, plan_scenario(plan))
            done = self.store.duplicate_of(plan.idempotency_key, (*DONE, *ACTIVE))
            if done is not None:
                results.append(RunResult(done.id, done.scenario, done.municipality, RunStatus.SKIPPED, _path(done.artifact_dir),
                                         error="同じ実行（シナリオ・自治体・日付）は投入済みです"))
                continue
            run_id = plan.run_id or new_run_id()
            plan = plan.model_copy(update={"run_id": run_id, "kyodo_version": runner.__version__})
            artifact_dir = self.settings.runs_dir / plan.owner / run_id
            claimed = self.store.get_run(run_id)  # a dashboard re-run records itself as queued first
            if claimed is not None and claimed.status == RunStatus.QUEUED:
                self.store.update_run(run_id, artifact_dir=str(artifact_dir), process=None)
            else:
                self.store.record_plan(plan, run_id=run_id, scenario=scenario.name, version=scenario.version,
                                       artifact_dir=str(artifact_dir), minutes_per_item=scenario.minutes_per_item,
                                       status=RunStatus.QUEUED, key=plan.idempotency_key, logical_date=plan.logical_date)
            queue = queue_for(scenario.zone, plan.owner)
            if served is not None and queue not in served:
                self.warnings.append(f"キュー「{queue}」（{scenario.zone}）を処理するワーカーがいません。"
                                     f"kyodo worker --zone {scenario.zone} を該当ネットワークで起動してください。")
            limit = int(scenario.timeout_minutes * 60)
            try:
                app.send_task("kyodo.run", kwargs={"payload": seal(plan.model_dump(mode="json"), sealing)}, queue=queue,
                              soft_time_limit=limit, time_limit=limit + 60, retry=True,
                              retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5})
            except OperationalError as exc:
                self.store.update_run(run_id, status=RunStatus.NOT_SUBMITTED, error_class=ErrorKind.APPLICATION,
                                      error_message=f"ブローカーに接続できず投入できませんでした（{exc.__class__.__name__}）。"
                                                    f"kyodo runs rerun {run_id} で再投入できます。",
                                      finished_at=datetime.now(UTC))
                failed.append(run_id)
                continue
            results.append(RunResult(run_id, scenario.name, plan.owner, RunStatus.QUEUED, artifact_dir))
        if sealing is None and any(mask_data(p.params) != p.params for p in plans):
            self.warnings.append("パラメータに個人情報らしい値（マイナンバー・電話番号など）があり、ブローカーを平文で通ります。"
                                 "BROKER_KEY を登録すると暗号化して送ります（docs/scale_out.md）。")
        for w in sorted(set(self.warnings)):
            log.warning(w)
        if failed:
            raise ApplicationError(f"ブローカー（{_safe(self.settings)}）に接続できないため {len(failed)} 件を投入できませんでした。",
                                   hint="実行は「未投入」として記録されています。ブローカーを確認し kyodo runs rerun で再投入してください。")
        return results


def _path(p: str) -> Any:
    return Path(p) if p else Path()


def _safe(settings: Settings) -> str:
    url = broker_url()
    return url.split("@")[-1] if "@" in url else url

"""The one Celery task: execute a run plan on this worker, recording into the shared run store."""

from __future__ import annotations

import logging
import socket
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from kyodo import runner
from kyodo.core.errors import ErrorKind, KyodoError
from kyodo.core.settings import get_settings
from kyodo.core.status import RunStatus
from kyodo.runner.engine import execute
from kyodo.runner.notify.send import notify_run_quietly
from kyodo.runner.plan import RunPlan, carried_scenario
from kyodo.runner.progress import StoreProgress
from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.loader import load_scenario, scenario_path
from kyodo.runner.scenario.overlay import overlay_dir
from kyodo.runner.store import open_store
from kyodo.runner.worker.app import celery_app
from kyodo.runner.worker.sealing import broker_key, seal, unseal

log = logging.getLogger("kyodo.worker")
app = celery_app()


def _mtime(path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=4)
def _store(url: str):
    """One store (engine and connection pool) per worker process, migrated once."""
    return open_store(url)


def _registry_version(path) -> tuple:
    """The registry file's and every municipality file's (``municipalities/<code>.yaml``) mtimes."""
    folder = overlay_dir(path)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return (_mtime(path), *((f.name, _mtime(f)) for f in files))


@lru_cache(maxsize=8)
def _registry(path: str, version: tuple):
    """Parsed once per version of its files: a 1,741-municipality registry takes a while to validate."""
    return load_registry(path)


@lru_cache(maxsize=256)
def _scenario(name: str, path: str, mtime: float):
    return load_scenario(name)


@lru_cache(maxsize=64)
def _carried(name: str, text: str, sha256: str | None, where: str | None):
    """A scenario carried as text: hash checked and validated once per distinct payload."""
    return carried_scenario(name, text, sha256, where)


def _plan_scenario(plan):
    """The scenario the plan names: its carried text (a DX leader's own file), else this worker's file of that name."""
    if plan.scenario_text is not None:
        return _carried(plan.scenario, plan.scenario_text, plan.scenario_sha256, plan.scenario_file)
    spath = scenario_path(plan.scenario)
    return _scenario(plan.scenario, str(spath), _mtime(spath))


@app.task(name="kyodo.run", bind=True, max_retries=2, acks_late=True)
def run_plan(self, payload: dict) -> dict:
    """Validate the payload, refuse a different kyodo version, execute, retry application errors."""
    settings = get_settings()
    store = _store(settings.db_url)
    try:
        payload = unseal(payload)
    except KyodoError as exc:  # no key, or another key: recorded, not retried (another attempt would fail alike)
        run_id = payload.get("run_id") if isinstance(payload, dict) else None
        if run_id and store.get_run(str(run_id)):
            store.update_run(str(run_id), status=RunStatus.FAILED, error_class=exc.kind, error_message=str(exc))
        return {"status": "rejected", "reason": exc.message}
    try:
        plan = RunPlan.model_validate(payload)
    except ValidationError as exc:
        run_id = payload.get("run_id") if isinstance(payload, dict) else None
        if run_id and store.get_run(str(run_id)):
            store.update_run(str(run_id), status=RunStatus.FAILED, error_class=ErrorKind.APPLICATION,
                             error_message=f"ワーカーが受け取った実行内容が不正です（{exc.error_count()} 件の誤り）。")
        return {"status": "rejected"}
    if plan.kyodo_version and plan.kyodo_version != runner.__version__:
        msg = f"ワーカーの版（{runner.__version__}）が投入側（{plan.kyodo_version}）と違います。ワーカーを更新してください。"
        if plan.run_id and store.get_run(plan.run_id):
            store.update_run(plan.run_id, status=RunStatus.FAILED, error_class=ErrorKind.APPLICATION, error_message=msg)
        return {"status": "rejected", "reason": msg}
    try:
        scenario = _plan_scenario(plan)
    except KyodoError as exc:  # a tampered text, or a scenario this worker cannot find or validate: never left 待機中
        if plan.run_id and store.get_run(plan.run_id):
            store.update_run(plan.run_id, status=RunStatus.FAILED, error_class=exc.kind, error_message=str(exc))
        return {"status": "rejected", "reason": exc.message}
    registry = _registry(str(settings.registry_path), _registry_version(settings.registry_path))
    result = execute(plan, scenario, registry, store, settings, worker=f"{socket.gethostname()}:{self.request.hostname}",
                     progress=StoreProgress(store))
    if result.status == RunStatus.FAILED and result.error_class == ErrorKind.APPLICATION and self.request.retries < self.max_retries:
        store.release_key(result.run_id)
        raise self.retry(countdown=5 * 2 ** self.request.retries, kwargs={"payload": seal({**payload, "run_id": None}, broker_key())})
    if not plan.dry_run and result.status != RunStatus.SKIPPED:
        notify_run_quietly(result.run_id, store, registry)  # after the last attempt only; never raises
    return {"status": result.status, "run_id": result.run_id}

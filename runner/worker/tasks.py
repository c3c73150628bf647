"""The one Celery task: execute a run plan on this worker, recording into the shared run store."""

from __future__ import annotations

import logging
import socket

from pydantic import ValidationError

from runner.worker.app import celery_app

log = logging.getLogger("kyodo.worker")
app = celery_app()


@app.task(name="kyodo.run", bind=True, max_retries=2, acks_late=True)
def run_plan(self, payload: dict) -> dict:
    """Validate the payload, refuse a different kyodo version, execute, retry application errors."""
    import runner
    from runner.engine import execute
    from runner.plan import RunPlan
    from runner.registry import load_registry
    from runner.scenario.loader import load_scenario
    from runner.settings import get_settings
    from runner.store import open_store

    settings = get_settings()
    store = open_store(settings.db_url)
    try:
        plan = RunPlan.model_validate(payload)
    except ValidationError as exc:
        run_id = payload.get("run_id") if isinstance(payload, dict) else None
        if run_id and store.get_run(str(run_id)):
            store.update_run(str(run_id), status="failed", error_class="application",
                             error_message=f"ワーカーが受け取った実行内容が不正です（{exc.error_count()} 件の誤り）。")
        return {"status": "rejected"}
    if plan.kyodo_version and plan.kyodo_version != runner.__version__:
        msg = f"ワーカーの版（{runner.__version__}）が投入側（{plan.kyodo_version}）と違います。ワーカーを更新してください。"
        if plan.run_id and store.get_run(plan.run_id):
            store.update_run(plan.run_id, status="failed", error_class="application", error_message=msg)
        return {"status": "rejected", "reason": msg}
    scenario = load_scenario(plan.scenario)
    registry = load_registry(settings.registry_path)
    result = execute(plan, scenario, registry, store, settings, worker=f"{socket.gethostname()}:{self.request.hostname}")
    if result.status == "failed" and result.error_class == "application" and self.request.retries < self.max_retries:
        store.release_key(result.run_id)
        raise self.retry(countdown=5 * 2 ** self.request.retries, kwargs={"payload": {**payload, "run_id": None}})
    return {"status": result.status, "run_id": result.run_id}

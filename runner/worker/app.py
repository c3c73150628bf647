"""The Celery application: zone queues and reliability settings chosen on purpose.

- ``task_acks_late`` + ``task_reject_on_worker_lost``: a run is acknowledged only when it has
  finished, so a worker killed mid-run (power cut, OOM, SIGKILL) gives the run back to the queue.
- ``worker_prefetch_multiplier = 1``: a worker reserves one run at a time; robot runs are long
  and uneven, prefetching would let one busy worker sit on runs another could start.
- ``visibility_timeout`` (Redis) longer than the longest allowed run (``KYODO_VISIBILITY_TIMEOUT``,
  default 4 h): Redis redelivers a message that has not been acknowledged within it, and a
  shorter timeout would start a second copy of a run still in progress.
- Dead workers' runs are looked for every ``KYODO_RESTORE_INTERVAL`` x ``KYODO_RESTORE_THROTTLE``
  seconds (default 100 s) once their visibility timeout has passed.
- JSON only (no pickle): the payload is a ``RunPlan`` validated again on the worker.
- Time limits per run come from the scenario's ``timeout_minutes``.
"""

from __future__ import annotations

from functools import lru_cache

from celery import Celery

from kyodo.core.settings import load_settings

QUEUE_PREFIX = "kyodo"


def broker_url() -> str:
    return load_settings().broker_url


def queue_for(zone: str, municipality: str | None = None) -> str:
    """``kyodo.<zone>``, or ``kyodo.<zone>.<code>`` when runs are pinned per municipality."""
    if municipality and load_settings().queue_per_municipality:
        return f"{QUEUE_PREFIX}.{zone}.{municipality}"
    return f"{QUEUE_PREFIX}.{zone}"


@lru_cache(maxsize=1)
def celery_app():
    env = load_settings()
    app = Celery("kyodo", broker=broker_url(), include=["kyodo.runner.worker.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        broker_transport_options={
            "visibility_timeout": env.visibility_timeout,
            # how often workers look for runs whose worker died (interval x throttle seconds)
            "unacked_restore_interval": env.restore_interval,
            "unacked_restore_throttle": env.restore_throttle,
            "socket_timeout": 15,
            "socket_connect_timeout": 5,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=env.broker_retries,
        worker_hijack_root_logger=False,
        task_default_queue=f"{QUEUE_PREFIX}.internet",
        timezone="Asia/Tokyo",
        enable_utc=True,
    )
    return app

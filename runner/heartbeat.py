"""A running run says it is alive every few seconds, so a run whose machine died is seen from anywhere.

The process check (``kyodo.runner.store._process``) only works on the machine that ran the run. A
background thread per run stamps ``runs.heartbeat_at`` five times per ``KYODO_RUN_STALE_MINUTES``
window, independent of the steps, so a long action (a slow portal, a 200-page OCR batch) keeps
beating. When beats stop for a whole window, ``RunStore.mark_interrupted`` (the dashboard, the CLI)
marks the run 中断 with a message that says why.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Protocol

from kyodo.core.privacy import mask_text

BEATS_PER_WINDOW = 5
log = logging.getLogger("kyodo.heartbeat")


class _Beats(Protocol):
    def beat(self, run_id: str) -> None: ...


class Heartbeat:
    """``with Heartbeat(store, run_id, stale_minutes):`` beats until the block ends."""

    def __init__(self, store: _Beats, run_id: str, stale_minutes: float) -> None:
        self.store, self.run_id = store, run_id
        self.every = stale_minutes * 60 / BEATS_PER_WINDOW
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.store.beat(self.run_id)
            except Exception as exc:  # noqa: BLE001 - a missed beat is retried next time; the run goes on
                log.warning("実行 %s の生存通知を書けませんでした: %s", self.run_id, mask_text(str(exc)))

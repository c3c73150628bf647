"""Progress of a running run, from the engine's events: into the run store (dashboard) and rich bars (CLI, demo).

The engine emits ``loop_start`` (total, depth), ``item_start`` (item, n, total, depth) and
``item_done`` (item, ok, depth), each with ``run_id``. The outermost loop (depth 0, usually the
municipalities or the rows) is what people want to see as "n of m". Inside one action, robots
report their own units (``ctx.steps``: OCR files, 転記 items, table pages) as ``action_progress``
(label, done, total, item, step, depth) and ``action_end``: a nested bar under the loop bars, and
``runs.progress["action"]`` for the dashboard's 「ページ 12/40」.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from kyodo.robots.progress import ProgressEvent
from kyodo.runner.engine import ProgressFn
from kyodo.runner.store import RunStore


class StoreProgress:
    """Writes ``runs.progress`` at most once a second (and at every loop end), then calls ``inner``."""

    def __init__(self, store: RunStore, inner: ProgressFn | None = None, every: float = 1.0) -> None:
        self.store, self.inner, self.every = store, inner, every
        self.state: dict[str, dict[str, Any]] = {}
        self._last: dict[str, float] = {}

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        try:
            self._record(event, data)
        except Exception:  # noqa: BLE001 - progress is a courtesy; it must never stop a run
            pass
        if self.inner is not None:
            self.inner(event, data)

    def _record(self, event: str, data: dict[str, Any]) -> None:
        run_id = data.get("run_id")
        if not run_id:
            return
        st = self.state.setdefault(run_id, {"done": 0, "total": 0, "failed": 0, "item": ""})
        if event in (ProgressEvent.ACTION_PROGRESS, ProgressEvent.ACTION_END):
            self._record_action(run_id, st, event, data)
            return
        if data.get("depth", 0) != 0:
            return
        if event == "loop_start":
            st.update(done=0, total=int(data.get("total") or 0), failed=0, item="")
        elif event == "item_start":
            st["item"] = str(data.get("item", ""))[:120]
        elif event == "item_done":
            st["done"] += 1
            st["failed"] += 0 if data.get("ok", True) else 1
        else:
            return
        now = time.monotonic()
        final = st["total"] and st["done"] >= st["total"]
        if final or event == "loop_start" or now - self._last.get(run_id, 0) >= self.every:
            self._last[run_id] = now
            self.store.update_run(run_id, progress=dict(st))

    def _record_action(self, run_id: str, st: dict[str, Any], event: str, data: dict[str, Any]) -> None:
        """The running action's own progress under ``action``; dropped (and written) when it ends."""
        if event == ProgressEvent.ACTION_END:
            if st.pop("action", None) is not None:
                self._last[run_id] = time.monotonic()
                self.store.update_run(run_id, progress=dict(st))
            return
        st["action"] = {"label": str(data.get("label", ""))[:40], "done": int(data.get("done") or 0),
                        "total": int(data.get("total") or 0), "item": str(data.get("item", ""))[:80],
                        "step": str(data.get("step", ""))[:80]}
        now = time.monotonic()
        if now - self._last.get(run_id, 0) >= self.every:
            self._last[run_id] = now
            self.store.update_run(run_id, progress=dict(st))


class ProgressBars:
    """Rich progress bars: one per loop level, labelled in Japanese, skipped items printed."""

    def __init__(self, console: Any, first_label: str = "処理中") -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False)
        self.first_label = first_label
        self.title = "自治体"
        self.tasks: dict[int, Any] = {}
        self.action_task: Any = None  # the nested bar of the running action (pages, items)
        self.action_ended = False

    def __enter__(self) -> ProgressBars:
        self.progress.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.__exit__(exc_type, exc, tb)

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        def esc(value: Any) -> str:
            return escape(str(value))

        depth = int(data.get("depth", 0))
        if event in (ProgressEvent.ACTION_PROGRESS, ProgressEvent.ACTION_END):
            self._action(event, data, depth)
        elif event == "plan_start":  # one run per municipality: the outer bar
            if -1 not in self.tasks or data.get("n") == 1:  # a new batch (the demo runs several scenarios)
                self.title = esc(data.get("title") or "自治体")
                self.tasks[-1] = self.progress.add_task(self.title, total=data.get("total") or None)
            self.progress.update(self.tasks[-1], description=f"{self.title}: {esc(data.get('item', ''))}")
        elif event == "plan_done" and -1 in self.tasks:
            self.progress.advance(self.tasks[-1])
            if not data.get("ok", True):
                self.progress.console.print(f"  [red]失敗[/] {esc(data.get('item', ''))}", highlight=False, markup=True)
        elif event == "loop_start":
            self._drop_action()  # keeps the action bar below the loop bars
            old = self.tasks.get(depth)
            if old is not None:
                self.progress.remove_task(old)  # a loop restarts for every outer item: one bar per level
            self.tasks[depth] = self.progress.add_task(self._label(depth), total=data.get("total") or None)
        elif event == "item_start" and depth in self.tasks:
            self.progress.update(self.tasks[depth], description=f"{self._label(depth)}: {esc(data.get('item', ''))}")
        elif event == "item_done" and depth in self.tasks:
            self.progress.advance(self.tasks[depth])
            if not data.get("ok", True):
                self.progress.console.print(f"  [yellow]スキップ[/] {esc(data.get('item', ''))}", highlight=False, markup=True)

    def _action(self, event: str, data: dict[str, Any], depth: int) -> None:
        """One bar for the running action; it stays (complete) after the action, until the next one."""
        if event == ProgressEvent.ACTION_END:
            self.action_ended = True
            return
        nested = depth + (1 if -1 in self.tasks else 0)
        text = "  " * nested + escape(str(data.get("label") or "進み具合"))
        if data.get("item"):
            text += f": {escape(str(data['item']))}"
        total, done = data.get("total") or None, int(data.get("done") or 0)
        if self.action_task is None:
            self.action_task = self.progress.add_task(text, total=total, completed=done)
        elif self.action_ended:
            self.progress.reset(self.action_task, total=total, completed=done, description=text)
        else:
            self.progress.update(self.action_task, total=total, completed=done, description=text)
        self.action_ended = False

    def _drop_action(self) -> None:
        if self.action_task is not None:
            self.progress.remove_task(self.action_task)
            self.action_task = None

    def _label(self, depth: int) -> str:
        nested = depth + (1 if -1 in self.tasks else 0)
        return self.first_label if nested == 0 else "  " * nested + "明細"

"""Progress inside one robot action (OCR pages, 転記 items, table pages), for people watching a run.

Robots must not import ``runner``: the engine hands a plain callback (:data:`ProgressSink`) to the
:class:`ProgressReporter` on the :class:`~kyodo.robots.context.RunContext`. Without a listener every call
returns at once, so actions can tick in their hottest loops. Ticks are throttled here (a few per
second) so a 10,000-row loop does not flood the console or the run store; the first tick, the last
one (``done == total``) and every label change always pass.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class ProgressEvent(StrEnum):
    """Event kinds the engine adds to its loop events for progress inside an action."""

    ACTION_PROGRESS = "action_progress"  # data: label, done, total, item, depth, step
    ACTION_END = "action_end"  # the action that reported progress has returned (or failed)


@dataclass(frozen=True)
class Tick:
    """One progress report of an action: ``done`` of ``total`` ``label`` (e.g. 12 of 40 ページ)."""

    label: str
    done: int
    total: int | None
    item: str = ""


ProgressSink = Callable[[Tick], None]

MIN_INTERVAL = 0.25  # seconds between two reports of the same label: at most ~4 a second


class ProgressReporter:
    """Throttles an action's ticks and passes them to the engine's sink; shared by scoped contexts."""

    def __init__(self, sink: ProgressSink | None, min_interval: float = MIN_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sink, self.min_interval, self.clock = sink, min_interval, clock
        self._last_at = float("-inf")
        self._last_label: str | None = None
        self._last_key: tuple[int, int | None, str, str] | None = None
        self._lock = threading.Lock()
        self.active = False  # something was reported since the last :meth:`finish`

    def report(self, done: int, total: int | None, label: str, item: str = "", *, force: bool = False) -> None:
        """Pass a tick on unless one of the same label went out less than ``min_interval`` ago."""
        if self.sink is None:
            return
        now = self.clock()
        if (not force and label == self._last_label and now - self._last_at < self.min_interval
                and 0 < done and (total is None or done < total)):
            return  # the common case in a hot loop, decided without the lock
        with self._lock:
            edge = force or done <= 0 or (total is not None and done >= total) or label != self._last_label
            key = (done, total, label, item)
            same = self._last_key is not None and key[:3] == self._last_key[:3] and item in ("", self._last_key[3])
            if same or (not edge and now - self._last_at < self.min_interval):
                return
            self._last_at, self._last_label, self._last_key, self.active = now, label, key, True
        self.sink(Tick(label, done, total, item[:80]))

    def finish(self) -> bool:
        """Forget the current action's state; True if it had reported anything (the engine then says so)."""
        with self._lock:
            was, self.active = self.active, False
            self._last_label, self._last_key, self._last_at = None, None, float("-inf")
        return was


class Steps:
    """The counter handed out by ``ctx.steps``: call it once per finished unit of work."""

    def __init__(self, reporter: ProgressReporter | None, total: int | None, label: str) -> None:
        self.reporter, self.total, self.label, self.done = reporter, total, label, 0
        self._stage: str | None = None

    def __call__(self, n: int = 1, item: str = "") -> None:
        self.done += n
        if self.reporter is not None:
            self.reporter.report(self.done, self.total, self.label, item)

    def each(self, items: Iterable[T], name: Callable[[T], str] | None = None) -> Iterator[T]:
        """Yield ``items``, ticking after each one's loop body (also after ``continue``)."""
        if self.reporter is None:  # nobody listening: count only
            for value in items:
                yield value
                self.done += 1
            return
        for value in items:
            yield value
            self(item=name(value) if name is not None else "")

    def stage(self, name: str) -> None:
        """Start the next stage of a staged action (the previous one is done); always shown."""
        if self._stage is not None:
            self.done += 1
        self._stage = name
        if self.reporter is not None:
            self.reporter.report(self.done, self.total, self.label, name, force=True)

    def close(self) -> None:
        """The action's loop ended normally, so all is done (coarse ticks may have counted less)."""
        self._stage = None
        self.done = self.total if self.total is not None else self.done
        if self.reporter is not None and self.done > 0:
            self.reporter.report(self.done, self.done, self.label, force=True)


@contextmanager
def steps(reporter: ProgressReporter | None, total: int | None, label: str) -> Iterator[Steps]:
    """Report ``0 / total`` now, hand out the counter, and report the final count on a normal exit.

    On an error nothing more is reported: the engine's ``action_end`` closes the bar where it stopped.
    """
    counter = Steps(reporter, total, label)
    if reporter is not None:
        reporter.report(0, total, label)
    yield counter
    counter.close()


__all__ = ["MIN_INTERVAL", "ProgressEvent", "ProgressReporter", "ProgressSink", "Steps", "Tick", "steps"]

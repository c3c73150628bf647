"""Slow down password guessing: too many failed logins for one user name block it for a while."""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginThrottle:
    """At most ``limit`` failures per user name within ``window`` seconds (in memory, per process).

    Unknown names are throttled exactly like real ones, so the answer reveals nothing.
    """

    def __init__(self, limit: int = 5, window: float = 15 * 60, max_names: int = 10_000) -> None:
        self.limit, self.window, self.max_names = limit, window, max_names
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str, now: float) -> deque[float]:
        q = self._failures.get(name.lower(), deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name, time.monotonic())) >= self.limit

    def failed(self, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) >= self.max_names:  # bounded memory under a spray of random names
                self._failures.pop(next(iter(self._failures)))
            q = self._recent(name, now)
            q.append(now)
            self._failures[name.lower()] = q

    def reset(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.lower(), None)

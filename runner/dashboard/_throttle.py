"""Slow down password guessing without letting anyone lock a colleague out.

Failures are counted per (user name, client address) and per client address. From the 5th
failure on, each failure doubles the wait (2 s, 4 s, 8 s … at most 15 minutes), so guessing
from one address gets nowhere, while the real user at another address is never affected: there
is no lock on the account itself, only on the pair. The per-address count stops one address
spraying many user names. Counts are forgotten a day after the last failure.

Memory is bounded without first-in-first-out forgetting (which let an attacker flush their own
record by spraying names): when the table is full, the entries that protect least (fewest
failures, block ending soonest) go first, so the entry of an ongoing attack stays.

Audit entries are aggregated by the caller: :meth:`check` says when a block *starts* (write one
entry) and :meth:`failed`/:meth:`succeeded` hand back how many attempts were refused meanwhile.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0
    refused: int = 0  # attempts refused during blocks, not yet reported to the audit log


@dataclass(frozen=True)
class Verdict:
    blocked: bool
    retry_after: int = 0  # seconds
    first_refusal: bool = False  # the first refused attempt of this block: audit it (once)


def address_key(address: str | None) -> str:
    """IPv4 addresses as they are, IPv6 by /64 (one machine easily owns a whole /64)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "?"
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


class LoginThrottle:
    """In memory, per dashboard process (a restart forgets the counts, never a revoked session)."""

    def __init__(self, free: int = 5, base: float = 2.0, cap: float = 15 * 60, address_free: int = 20,
                 forget: float = 24 * 3600, max_entries: int = 100_000, clock=time.monotonic) -> None:
        self.free, self.base, self.cap, self.address_free = free, base, cap, address_free
        self.forget, self.max_entries, self.clock = forget, max_entries, clock
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._lock = threading.Lock()

    def _keys(self, user: str, address: str | None) -> list[tuple[tuple[str, ...], int]]:
        addr = address_key(address)
        return [(("user", user.strip().lower(), addr), self.free), (("addr", addr), self.address_free)]

    def _get(self, key: tuple[str, ...], now: float) -> _Entry:
        e = self._entries.get(key)
        if e is not None and now - e.last > self.forget and now >= e.blocked_until:
            e = None  # long quiet: start afresh
        if e is None:
            if len(self._entries) >= self.max_entries:
                self._make_room(now)
            e = self._entries[key] = _Entry(last=now)
        return e

    def _make_room(self, now: float) -> None:
        """Drop stale entries; if still full, the tenth that protects least (not the oldest)."""
        for k in [k for k, e in self._entries.items() if now - e.last > self.forget and now >= e.blocked_until]:
            del self._entries[k]
        if len(self._entries) >= self.max_entries:
            weakest = sorted(self._entries, key=lambda k: (self._entries[k].blocked_until, self._entries[k].failures))
            for k in weakest[: max(1, self.max_entries // 10)]:
                del self._entries[k]

    def check(self, user: str, address: str | None = None) -> Verdict:
        """May this attempt go ahead? A refused attempt is counted for the aggregated audit entry."""
        now = self.clock()
        with self._lock:
            waits = [(self._entries[k], self._entries[k].blocked_until - now) for k, _ in self._keys(user, address)
                     if k in self._entries and self._entries[k].blocked_until > now]
            if not waits:
                return Verdict(False)
            entry, wait = max(waits, key=lambda w: w[1])
            entry.refused += 1
            return Verdict(True, max(1, int(wait + 0.999)), first_refusal=entry.refused == 1)

    def failed(self, user: str, address: str | None = None) -> int:
        """A wrong password: extend the back-off. Returns refusals to report since the last entry."""
        now = self.clock()
        refused = 0
        with self._lock:
            for key, free in self._keys(user, address):
                e = self._get(key, now)
                e.failures += 1
                e.last = now
                refused += e.refused
                e.refused = 0
                if e.failures >= free:  # the free-th failure starts the back-off
                    e.blocked_until = now + min(self.cap, self.base * 2 ** min(e.failures - free, 32))
        return refused

    def succeeded(self, user: str, address: str | None = None) -> int:
        """The right password: the pair starts afresh (the address keeps its count). Returns refusals to report."""
        with self._lock:
            keys = self._keys(user, address)
            pair = self._entries.pop(keys[0][0], None)
            addr = self._entries.get(keys[1][0])
            refused = (pair.refused if pair else 0) + (addr.refused if addr else 0)
            if addr:
                addr.refused = 0
        return refused

    # Compatibility with callers that know only the user name.
    def blocked(self, name: str, address: str | None = None) -> bool:
        return self.check(name, address).blocked

    def reset(self, name: str, address: str | None = None) -> None:
        self.succeeded(name, address)

    def __len__(self) -> int:
        return len(self._entries)

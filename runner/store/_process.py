"""Which process owns a running run, and is it still alive?

A run left ``running`` is only *interrupted* when its process is gone: another ``kyodo`` process
(the scheduler, a second terminal, the dashboard) starting up must not mark a live run as
crashed. The tag is ``host:pid:start`` — the start time (Linux ``/proc``) guards against a
recycled pid.
"""

from __future__ import annotations

import os
import socket
from functools import lru_cache


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after "(comm)" (Linux), or [] where /proc is not available."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return []
    return stat.rsplit(")", 1)[-1].split()


def _start_ticks(pid: int) -> str:
    """Process start time in clock ticks since boot: field 22 of stat, index 19 after "(comm)"."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


@lru_cache(maxsize=1)
def _host() -> str:
    return socket.gethostname()[:120]


def process_tag(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{_host()}:{pid}:{_start_ticks(pid)}"


def is_alive(tag: str | None) -> bool | None:
    """True/False for a process on this host; None when the tag is from another host (cannot tell)."""
    if not tag:
        return False  # runs recorded before process tags existed: treat as orphaned
    try:
        host, pid_s, start = tag.rsplit(":", 2)
        pid = int(pid_s)
    except ValueError:
        return False
    if host != _host():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):
        return False  # killed, not yet reaped by its parent
    return not start or not fields or (len(fields) > 19 and fields[19] == start)

"""One municipality's part of a run over several municipalities: its steps, screenshots, result and error.

The engine names each municipality's loop items ``名前(コード)`` and its failure screenshots
``failure-NN-<code>-…png``; that is how a part is found in the stored run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kyodo.core.status import RunStatus


@dataclass
class Part:
    code: str
    name: str
    status: str = RunStatus.SUCCEEDED
    error: str | None = None
    steps: list[Any] = field(default_factory=list)
    shots: list[Any] = field(default_factory=list)


def is_multi(run: Any) -> bool:
    return len(run.municipalities or []) > 1


def _mine(item: str | None, code: str) -> bool:
    return item is not None and f"({code})" in item


def part_of(run: Any, code: str, name: str) -> Part:
    """``code``'s steps and screenshots; failed when its last attempt of any step failed."""
    steps = [s for s in run.steps if _mine(s.item, code)]
    shots = [a for a in run.artifacts if a.kind == "screenshot" and f"-{code}-" in a.path]
    part = Part(code, name, steps=steps, shots=shots)
    last: dict[tuple[str, str | None], Any] = {}
    for s in steps:
        last[(s.step, s.item)] = s
    failed = [s for s in last.values() if s.status == RunStatus.FAILED]
    if failed:
        part.status, part.error = RunStatus.FAILED, failed[-1].message
    elif not steps and run.status in (RunStatus.RUNNING, RunStatus.QUEUED):
        part.status = RunStatus.QUEUED
    elif not steps:
        part.status = run.status if run.status != RunStatus.PARTIAL else RunStatus.SUCCEEDED
    return part


def parts(run: Any, names: dict[str, str]) -> list[Part]:
    """Every municipality's part, failures first (the prefecture's view of a multi-municipality run)."""
    out = [part_of(run, c, names.get(c, c)) for c in run.municipalities or []]
    return sorted(out, key=lambda p: (p.status != RunStatus.FAILED, p.code))

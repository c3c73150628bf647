"""The per-item result journal of a 転記 batch: one JSON line per outcome, flushed and fsynced.

It lives beside the staff's workbook, so a rerun after a crash (or the next day) knows which
items were already entered and verified. It is a record, not the safety net: the robot still
looks every other item up in the system before entering it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from kyodo.core.jst import JST


class Outcome(str, Enum):
    """What happened to one item; the first two words are what staff see in the workbook."""

    ENTERED = "入力済"
    REVIEW = "要確認"


@dataclass
class ItemResult:
    key: str
    outcome: Outcome
    reason: str = ""
    record_no: str = ""
    at: str = ""

    def line(self) -> str:
        d = asdict(self) | {"outcome": self.outcome.value}
        return json.dumps(d, ensure_ascii=False)


class Journal:
    """Append-only JSONL; the last line for a key is its current state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, ItemResult] = {}
        if path.is_file():
            for raw in path.read_text(encoding="utf-8").splitlines():
                try:
                    d = json.loads(raw)
                    self.done[d["key"]] = ItemResult(d["key"], Outcome(d["outcome"]), d.get("reason", ""),
                                                     d.get("record_no", ""), d.get("at", ""))
                except (ValueError, KeyError):
                    continue  # a line cut short by a crash: the item is simply looked up again

    def entered(self, key: str) -> ItemResult | None:
        r = self.done.get(key)
        return r if r is not None and r.outcome is Outcome.ENTERED else None

    def write(self, result: ItemResult) -> ItemResult:
        result.at = result.at or datetime.now(JST).strftime("%Y-%m-%d %H:%M:%S")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(result.line() + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.done[result.key] = result
        return result

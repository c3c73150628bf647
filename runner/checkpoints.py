"""Per-municipality results kept on disk, so re-running a partial run redoes only what failed.

When a ``for_each`` over municipalities finishes one municipality, its collected result (a dict
of tables) is written to ``<run folder>/.items/<loop id>/<code>.json`` (JSON, tables in pandas'
``table`` orient with their schema: nothing that could execute code is ever read back). A re-run of a partial,
failed or interrupted run (``kyodo runs rerun``) reads the earlier run's files: municipalities
that were done are taken from there (no browser, no portal), the others run again, and the
workbook is written from both — the merged result of the two runs.

Only files under the runs folder that kyodo itself wrote are read (the folder is 0700 and
owned by the service). Tables taken over are marked as already counted, so 処理件数 and the
effect report do not count the same applications twice.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.robots.table import COUNTED  # DataFrame.attrs flag read by table.concat

log = logging.getLogger("kyodo.engine")


def mark_counted(value: Any) -> Any:
    """Flag every table inside ``value`` as already counted; returns ``value``."""
    if hasattr(value, "attrs") and hasattr(value, "columns"):
        value.attrs[COUNTED] = True
    elif isinstance(value, dict):
        for v in value.values():
            mark_counted(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            mark_counted(v)
    return value


class Checkpoints:
    """Where one run keeps its finished loop items, and which earlier run it may take items from."""

    def __init__(self, artifact_dir: Path, *, runs_dir: Path, resume_dir: Path | None = None, enabled: bool = True) -> None:
        self.dir = artifact_dir / ".items"
        self.runs_dir = runs_dir.resolve()
        self.resume = resume_dir / ".items" if resume_dir else None
        self.enabled = enabled

    def _file(self, base: Path, loop: str, key: str) -> Path:
        return base / loop / f"{key}.json"

    def load(self, loop: str, key: str) -> tuple[bool, Any]:
        """(True, the kept result) when the earlier run finished this item, else (False, None)."""
        if not (self.enabled and self.resume):
            return False, None
        f = self._file(self.resume, loop, key)
        if not f.is_file() or self.runs_dir not in f.resolve().parents:
            return False, None
        try:
            value = _decode(json.loads(f.read_text(encoding="utf-8")))
        except Exception:  # noqa: BLE001 - a damaged file (any decoding error): the item is simply done again
            log.warning("前回の結果を読めないため、やり直します: %s", f)
            return False, None
        self.save(loop, key, value)  # a re-run of this re-run can take it over again
        return True, mark_counted(value)

    def save(self, loop: str, key: str, value: Any) -> None:
        """Keep one finished item (best effort: a failure here never fails the run)."""
        if not self.enabled:
            return
        f = self._file(self.dir, loop, key)
        try:
            f.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = f.with_suffix(".part")
            tmp.write_text(json.dumps(_encode(value), ensure_ascii=False), encoding="utf-8")
            tmp.chmod(0o600)
            tmp.replace(f)
        except Exception:  # noqa: BLE001 - best effort: never fails the run
            log.warning("途中結果を保存できませんでした: %s", f, exc_info=True)


def _encode(value: Any) -> Any:
    """JSON for a collected loop result: tables, mappings, lists, dates and plain values."""
    if hasattr(value, "to_json") and hasattr(value, "columns"):
        return {"$frame": value.to_json(orient="table", date_format="iso", force_ascii=False, index=False)}
    if isinstance(value, dict):
        return {"$map": {str(k): _encode(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return {"$path": str(value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} between runs")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$frame" in value:
        return pd.read_json(io.StringIO(value["$frame"]), orient="table")
    if "$map" in value:
        return {k: _decode(v) for k, v in value["$map"].items()}
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$path" in value:
        return Path(value["$path"])
    raise ValueError("unknown value in a kept result")

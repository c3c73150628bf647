"""Pause and resume a municipality's scheduled scenarios from the dashboard or the CLI.

The state lives in the municipality's own file (``config/municipalities/<code>.yaml``, see
``kyodo.runner.scenario.overlay``) under one reserved key, so a review shows exactly who paused what::

    schedule:
      paused:
        e_application_aggregation: {by: ube, at: "2026-11-26 09:12"}

Only that block is rewritten; everything else in the file (the DX leader's params and
comments) stays byte for byte. Writes are atomic (temp file + rename) and audited.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock

from kyodo.core.errors import BusinessError
from kyodo.runner.audit import record_quietly
from kyodo.runner.scenario.overlay import SCHEDULE_KEY, overlay_file
from kyodo.runner.scheduler.triggers import TZ

_TOP_KEY = re.compile(r"^[^\s#]")


def paused(registry_path: str | Path, code: str) -> dict[str, dict[str, Any]]:
    """Scenario → {by, at} of the paused schedules in ``code``'s file ({} when none)."""
    path = overlay_file(registry_path, code)
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    block = data.get(SCHEDULE_KEY) if isinstance(data, dict) else None
    got = (block or {}).get("paused") if isinstance(block, dict) else None
    return {str(k): (v if isinstance(v, dict) else {}) for k, v in (got or {}).items()}


def _without_block(text: str) -> str:
    """``text`` minus its top-level ``schedule:`` block (and the comment lines just above it)."""
    lines, out, skipping = text.splitlines(keepends=True), [], False
    for line in lines:
        if re.match(rf"^{SCHEDULE_KEY}\s*:", line):
            skipping = True
            continue
        if skipping and _TOP_KEY.match(line):
            skipping = False
        if not skipping:
            out.append(line)
    body = "".join(out).rstrip("\n")
    return body + "\n" if body else ""


def _render(state: dict[str, dict[str, Any]]) -> str:
    if not state:
        return ""
    block = yaml.safe_dump({SCHEDULE_KEY: {"paused": state}}, allow_unicode=True, sort_keys=True, default_flow_style=None)
    return "# 実行予定の一時停止（ダッシュボードまたは kyodo schedule pause/resume で変更）\n" + block


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_paused(registry_path: str | Path, code: str, scenario: str, pause: bool, actor: str) -> bool:
    """Pause or resume ``scenario`` for ``code``; returns False when it already was in that state."""
    path = overlay_file(registry_path, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.parent / f".{code}.lock")):
        state = paused(registry_path, code)
        if pause == (scenario in state):
            return False
        if pause:
            state[scenario] = {"by": actor, "at": datetime.now(TZ).strftime("%Y-%m-%d %H:%M")}
        else:
            state.pop(scenario)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        rest = _without_block(text)
        block = _render(state)
        new = rest + ("\n" if rest and block else "") + block
        _check(new, path)
        _write_atomic(path, new)
    record_quietly(actor, "schedule.pause" if pause else "schedule.resume", f"{scenario}/{code}", str(path))
    return True


def _check(text: str, path: Path) -> None:
    """Never write a file the registry could not read back."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise BusinessError("自治体ファイルを更新できませんでした（書き換え後の内容が読めません）。", where=str(path),
                            hint="ファイルの書式を確認してください。") from exc
    if data is not None and not isinstance(data, dict):
        raise BusinessError("自治体ファイルの形が想定と違うため更新しませんでした。", where=str(path))

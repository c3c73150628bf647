"""Checking a recording: validate it, describe it (dry run), replay it, and compare the downloads.

A recording is only worth keeping if running it gives what the person got: the replay's
downloaded files are compared byte for byte (SHA-256) with the files downloaded while recording.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from kyodo.core.status import RunStatus, Trigger
from kyodo.runner.recorder.compose import Composed
from kyodo.runner.recorder.events import EventKind
from kyodo.runner.submit import run_scenario


class Match(str, Enum):
    """How a replayed download compares with the recorded one."""

    SAME = "同じ"
    DIFFERENT = "違う"
    MISSING = "ダウンロードされなかった"


@dataclass
class ReplayReport:
    """What the replay did and how its files compare with the recording's."""

    run_id: str
    status: str
    error: str | None
    files: dict[str, Match] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.SUCCEEDED and all(m is Match.SAME for m in self.files.values())

    def lines(self) -> list[str]:
        """Japanese lines for the DX leader."""
        out = [f"再生の結果: {'成功' if self.status == RunStatus.SUCCEEDED else '失敗'}（実行ID {self.run_id}）"]
        if self.error:
            out.append(f"  エラー: {self.error}")
        out += [f"  {name}: 記録時のファイルと{m.value}" if m is not Match.MISSING else f"  {name}: {m.value}"
                for name, m in self.files.items()]
        return out


def recorded_files(composed: Composed, events: list) -> dict[str, str]:
    """File name → SHA-256 of what the recording downloaded."""
    return {e.filename: e.sha256 for e in events if e.kind is EventKind.DOWNLOAD and e.sha256 and e.filename in composed.downloads}


def replay(path: Path, code: str, recorded: dict[str, str]) -> ReplayReport:
    """Run the written scenario for municipality ``code`` and compare its downloads with ``recorded``."""
    [result] = run_scenario(str(path), [code], trigger=Trigger.MANUAL, requested_by="recorder")
    report = ReplayReport(result.run_id, result.status, result.error)
    for name, digest in recorded.items():
        replayed = _find(result.artifact_dir, name, code)
        if replayed is None:
            report.files[name] = Match.MISSING
        else:
            same = hashlib.sha256(replayed.read_bytes()).hexdigest() == digest
            report.files[name] = Match.SAME if same else Match.DIFFERENT
    return report


def _find(folder: Path, name: str, code: str) -> Path | None:
    """The replay's file for a recorded file name (names may carry ${municipality.code})."""
    for wanted in dict.fromkeys((name, name.replace("${municipality.code}", code))):
        found = sorted(folder.rglob(wanted))  # downloads land in the run folder's downloads/
        if found:
            return found[0]
    return None

"""RunContext: everything an action may touch during one run, and nothing more.

The engine builds one per run (and a scoped copy per municipality in a loop). Actions write
files only through :meth:`RunContext.artifact_path`, read inputs only through
:meth:`RunContext.input_path` (confined to the municipality's folders, no ``../`` escape) and
get credentials only through :meth:`RunContext.secret`, so those three rules hold everywhere.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError, ErrorKind
from kyodo.robots.paths import output_name_problem
from kyodo.robots.progress import ProgressReporter, Steps, steps

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def safe_filename(name: str, default: str = "file") -> str:
    """Strip path components and characters Windows/Unix refuse, keep Japanese text."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:200] or default


def _no_secret(name: str) -> str:
    raise BusinessError(f"シークレット「{name}」が設定されていません。", hint=f"kyodo secret set {name} で登録してください。")


@dataclass
class RunStats:
    """Item counters shared by a run and all its scoped copies (feeds the effect report)."""

    items_ok: int = 0
    items_failed: int = 0
    item_errors: list[dict[str, str]] = field(default_factory=list)
    application_errors: int = 0  # item errors of the machinery (portal down): a re-run may succeed


@dataclass
class RunContext:
    """Per-run state handed to every action as its first argument."""

    run_id: str
    artifact_dir: Path
    municipality_code: str | None = None
    municipality_name: str | None = None
    input_dirs: tuple[Path, ...] = ()
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("kyodo.run"))
    secret_resolver: Callable[[str], str] = _no_secret
    settings: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    stats: RunStats = field(default_factory=RunStats)
    progress_reporter: ProgressReporter | None = None  # set by the engine when someone watches the run
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def secret(self, name: str) -> str:
        """The value of secret ``name`` (environment or keyring); never log it."""
        return self.secret_resolver(name)

    def artifact_path(self, name: str, *, subdir: str | None = None) -> Path:
        """A path inside this run's artifact folder.

        A ``name`` with folders in it (``../x.xlsx``, ``/tmp/x.xlsx``) is refused, not shortened to its
        file name (:func:`kyodo.robots.paths.output_name_problem`); characters Windows refuses become ``_``.
        """
        if problem := output_name_problem(name):
            raise BusinessError(problem + "。", where=str(name), hint="出力ファイル名（path / filename）を直してください。")
        base = self.artifact_dir / safe_filename(subdir) if subdir else self.artifact_dir
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        return base / safe_filename(name)

    def input_path(self, path: str | Path) -> Path:
        """Resolve a scenario-given input path, refusing anything outside the allowed folders."""
        p = Path(path)
        roots = [r.resolve() for r in self.input_dirs] or [self.artifact_dir.resolve()]
        candidates = [p.resolve()] if p.is_absolute() else [(r / p).resolve() for r in roots]
        for cand in candidates:
            if any(cand == r or r in cand.parents for r in roots):
                return cand
        raise BusinessError(
            f"パス「{path}」は許可されたフォルダの外です。",
            hint="自治体の入力フォルダ内の相対パスを指定してください（../ は使えません）。",
        )

    def count_items(self, ok: int = 0, failed: int = 0) -> None:
        """Add processed items: ``ok`` done by the robot, ``failed`` left for a person."""
        self.stats.items_ok += ok
        self.stats.items_failed += failed

    def item_error(self, item: str, message: str, *, kind: ErrorKind = ErrorKind.BUSINESS) -> None:
        """Record an error for one item (a row, a file) without stopping the run.

        ``kind`` is ``business`` (the data is wrong) or ``application`` (the machinery failed, so a
        re-run may succeed); a partial run is classified by it.
        """
        self.stats.items_failed += 1
        if kind == ErrorKind.APPLICATION:
            self.stats.application_errors += 1
        self.stats.item_errors.append({"item": item, "message": message})

    def progress(self, done: int, total: int | None, label: str, item: str = "") -> None:
        """Report progress inside this action (「ページ 12/40」); throttled, free when nobody watches.

        ``item`` names the current unit for people (a file name, a page, a 受付番号); it is masked
        before it is shown, but pass nothing personal on purpose.
        """
        if self.progress_reporter is not None:
            self.progress_reporter.report(done, total, label, item)

    def steps(self, total: int | None, label: str) -> AbstractContextManager[Steps]:
        """``with ctx.steps(len(files), "ファイル") as tick:`` then ``tick(item=name)`` per finished unit.

        Reports 0 on entering and the final count on leaving; ``for row in tick.each(rows):`` ticks
        after each loop body; a staged action names each stage as it starts (``tick.stage("突き合わせ")``).
        Call ``tick`` from the action's own thread (not from pool workers).
        """
        return steps(self.progress_reporter, total, label)

    def on_close(self, fn: Callable[[], None]) -> None:
        """Register cleanup (close a browser, delete a temp file) run when the run ends."""
        self._closers.append(fn)

    def close(self) -> None:
        while self._closers:
            fn = self._closers.pop()
            try:
                fn()
            except Exception:  # cleanup must not hide the run's real outcome
                self.log.warning("後片付けに失敗しました", exc_info=True)

    def scoped(self, **changes: Any) -> RunContext:
        """A copy for one loop item (e.g. another municipality) sharing resources and closers."""
        return replace(self, **changes)

"""RunStore: the one place that writes and reads run history (SQLite or PostgreSQL by URL)."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
import time as _time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import String, and_, cast, create_engine, event, func, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from kyodo.core.errors import ApplicationError, BusinessError, ErrorKind
from kyodo.core.jst import JST
from kyodo.core.privacy import mask_data
from kyodo.core.settings import load_settings
from kyodo.core.status import ACTIVE, RunStatus
from kyodo.robots.normalize import normalize_text, parse_date
from kyodo.runner.store._process import is_alive, process_tag
from kyodo.runner.store.migrate import upgrade
from kyodo.runner.store.models import Artifact, Run, StepLog

F = TypeVar("F", bound=Callable[..., Any])


def _db_errors(fn: F) -> F:
    """An unreachable or locked database becomes a Japanese ApplicationError naming the URL (no password)."""

    @functools.wraps(fn)
    def wrapper(self: RunStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except DatabaseError as exc:  # OperationalError (locked, down, disk full) and corruption alike
            if isinstance(exc, IntegrityError):
                raise
            raise db_error(self.url, exc) from None

    return wrapper  # type: ignore[return-value]


_SQLITE = "SQLite ファイル"
_BROKEN = ("file is not a database", "malformed", "not a database", "file is encrypted", "disk i/o error")
_FULL = ("database or disk is full", "no space left", "disk full", "could not extend file")


class RerunInProgress(BusinessError):
    """A re-run of this run is already queued or running (refused by the database constraint)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"実行「{run_id}」の再実行は既に動いています。終わるまでお待ちください。",
                         hint="結果は kyodo runs list またはダッシュボードで確認してください。")


def db_error(url: str, exc: BaseException) -> ApplicationError:
    """The staff-facing message for a database that cannot be used right now.

    Locked (retry later), corrupted (restore from backup), full disk (free space) and
    unreachable servers each get their own Japanese message and hint; never SQL or parameters.
    """
    detail = str(getattr(exc, "orig", exc)).lower()
    sqlite = url.startswith("sqlite")
    if any(k in detail for k in _FULL):
        return ApplicationError(
            "実行履歴データベースに書き込めません: ディスクの空き容量がありません。",
            where=_safe_url(url),
            hint=("データベースのあるディスクの空きを増やしてください（古い成果物は kyodo artifacts purge で削除できます）。"
                  if sqlite else "PostgreSQL サーバーのディスクの空きをサーバー管理者に確認してもらってください。"),
        )
    if any(k in detail for k in _BROKEN):
        return ApplicationError(
            "実行履歴データベースが壊れているため読み書きできません。",
            where=_safe_url(url),
            hint=(f"{_SQLITE}をバックアップから戻すか、別名に移して（消さずに保管）から kyodo を起動し直すと新しいデータベースが作られます。"
                  if sqlite else "PostgreSQL のデータベースをバックアップから復元してください。"),
        )
    if "locked" in detail or "busy" in detail or "lock timeout" in detail:
        return ApplicationError(
            "実行履歴データベースがロック中です（他の処理が書き込み中）。しばらくしてからやり直してください。",
            where=_safe_url(url),
            hint="同じデータベースを使う処理が長時間止まっていないか確認してください。複数の端末で使う場合は PostgreSQL を使ってください（KYODO_DB_URL）。",
        )
    reasons = [("password authentication", "パスワードが違います"), ("does not exist", "ユーザーまたはデータベースがありません"),
               ("refused", "サーバーが応答しません（接続拒否）"), ("timeout", "サーバーが応答しません（時間切れ）"),
               ("timed out", "サーバーが応答しません（時間切れ）"), ("unable to open", "ファイルを開けません（フォルダと権限を確認）"),
               ("could not translate host", "ホスト名が見つかりません")]
    reason = next((ja for key, ja in reasons if key in detail), getattr(exc, "orig", exc).__class__.__name__)
    return ApplicationError(
        f"実行履歴データベースに接続できません: {reason}。",
        where=_safe_url(url),
        hint=("KYODO_HOME または KYODO_DB_URL のファイルの場所・権限を確認してください。" if sqlite else
              "KYODO_DB_URL（ホスト名・ポート・ユーザー名）とデータベースの稼働状況を確認してください。"),
    )


def parse_day(value: str) -> date:
    """A calendar day typed by staff: ``2026-10-01``, ``2026/10/1``, ``20261001``, ``令和8年10月1日``, 全角 too.

    Raises ``ValueError`` (Japanese message). A bare 5-digit number is refused rather than read
    as an Excel serial, so a typo such as ``20261`` is an error, not a day in 1955.
    """
    if re.fullmatch(r"\d{5}(\.\d+)?", normalize_text(value)):
        raise ValueError(f"「{value}」を日付として読めません（例: 2026-10-01, 令和8年10月1日）")
    return parse_date(value)


def jst_day_start(d: date) -> datetime:
    """Midnight in Japan of ``d``: staff's dates are Japanese calendar days, the store keeps UTC."""
    return datetime.combine(d, time.min, JST)



def _interrupt(run: Run, message: str) -> None:
    run.status, run.finished_at = RunStatus.INTERRUPTED, now()
    run.error_class, run.error_message = ErrorKind.APPLICATION, message

def now() -> datetime:
    return datetime.now(UTC)


def new_run_id() -> str:
    """Sortable, unique run id: UTC timestamp + random suffix (safe as a folder name)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


@dataclass
class RunFilter:
    municipality: str | list[str] | None = None
    scenario: str | None = None
    status: str | None = None
    since: date | None = None  # Japanese calendar day (JST), inclusive
    until: date | None = None  # Japanese calendar day (JST), inclusive
    limit: int = 100
    rerun_of: str | None = None  # only the re-runs of this run id
    offset: int = 0  # paging: skip this many (newest first)
    with_parts: bool = False  # a municipality filter also matches multi-municipality runs it took part in


class RunStore:
    """Run history. Create one per process; it is safe to share between threads."""

    def __init__(self, url: str, *, timeout: float = 30) -> None:
        """``timeout``: seconds to wait for a locked SQLite database or a PostgreSQL connection."""
        self.url = url
        kwargs: dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                except OSError as exc:
                    raise ApplicationError(f"実行履歴データベースのフォルダを作れません（{exc.strerror}）。", where=path,
                                           hint="KYODO_HOME または KYODO_DB_URL の場所と書き込み権限を確認してください。") from None
            kwargs["connect_args"] = {"timeout": timeout, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
            if url.startswith("postgresql"):
                kwargs["connect_args"] = {"connect_timeout": max(1, int(timeout))}
        self.engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", functools.partial(_sqlite_pragmas, timeout_ms=int(timeout * 1000)))
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._reap_lock, self._reaped_at = threading.Lock(), float("-inf")
        self._ensure_schema()
        if url.startswith("sqlite"):
            _owner_only(url.split("///", 1)[-1])

    def _ensure_schema(self) -> None:
        try:
            upgrade(self.engine)
        except DatabaseError as exc:
            raise db_error(self.url, exc) from None

    def session(self) -> Session:
        return self._session()

    # --- writing -------------------------------------------------------------------------
    @_db_errors
    def create_run(self, *, scenario: str, version: str, municipality: str, municipalities: list[str],
                   trigger: str, params: dict, artifact_dir: str, minutes_per_item: float = 0.0,
                   idempotency_key: str | None = None, run_id: str | None = None,
                   rerun_of: str | None = None, status: RunStatus = RunStatus.RUNNING, logical_date: date | None = None) -> Run:
        run = Run(
            id=run_id or new_run_id(), scenario=scenario, scenario_version=version, municipality=municipality,
            municipalities=municipalities, trigger=trigger, status=status, created_at=now(),
            started_at=now() if status == RunStatus.RUNNING else None, params=mask_data(_jsonable(params)),
            heartbeat_at=now() if status == RunStatus.RUNNING else None,
            artifact_dir=artifact_dir, minutes_per_item=minutes_per_item, idempotency_key=idempotency_key,
            rerun_of=rerun_of, logical_date=logical_date,
            process=process_tag() if status == RunStatus.RUNNING or (status == RunStatus.QUEUED and rerun_of) else None,
        )
        try:
            with self.session() as s, s.begin():
                s.add(run)
        except IntegrityError:
            if rerun_of and self.active_rerun(rerun_of, municipality) is not None:
                raise RerunInProgress(rerun_of) from None
            raise
        return run

    @_db_errors
    def active_rerun(self, run_id: str, municipality: str | None = None) -> Run | None:
        """The queued or running re-run of ``run_id`` (for ``municipality``'s part), if any."""
        q = select(Run).where(Run.rerun_of == run_id, Run.status.in_(ACTIVE))
        if municipality:
            q = q.where(Run.municipality == municipality)
        with self.session() as s:
            return s.scalars(q).first()

    def record_plan(self, plan: Any, *, run_id: str, scenario: str, version: str, artifact_dir: str, minutes_per_item: float,
                    status: RunStatus, key: str | None, logical_date: date | None) -> Run:
        """The run record of ``plan`` (a RunPlan): what the engine, the Celery submitter and a re-run store."""
        return self.create_run(
            run_id=run_id, scenario=scenario, version=version, municipality=plan.owner,
            municipalities=list(plan.municipalities), trigger=plan.trigger, params=dict(plan.params or {}),
            artifact_dir=artifact_dir, minutes_per_item=minutes_per_item, idempotency_key=key, rerun_of=plan.rerun_of,
            status=status, logical_date=logical_date)

    def duplicate_of(self, key: str | None, blocking: tuple[RunStatus, ...], *, own_id: str | None = None) -> Run | None:
        """The run that makes a plan with idempotency ``key`` a duplicate: the one holding the key, if its
        status is in ``blocking``. A failed or interrupted attempt does not block: its key is released here
        so that the new attempt can take it (unless it is the same run, ``own_id``, being redelivered)."""
        if not key:
            return None
        holder = self.find_by_key(key)
        if holder is None or holder.status in blocking:
            return holder
        if holder.id != own_id:
            self.release_key(holder.id)
        return None

    def claim_rerun(self, plan: Any, *, run_id: str, artifact_dir: str, version: str = "",
                    minutes_per_item: float = 0.0) -> Run | None:
        """Record the re-run ``plan`` as queued, or return None when a re-run of the same run (and
        municipality) is already queued or running. The partial unique index ``uq_runs_active_rerun``
        decides, so concurrent requests (several clicks, staff or dashboards) start exactly one."""
        try:
            return self.record_plan(plan, run_id=run_id, scenario=plan.scenario, version=version, artifact_dir=artifact_dir,
                                    minutes_per_item=minutes_per_item, status=RunStatus.QUEUED, key=None,
                                    logical_date=plan.logical_date)
        except RerunInProgress:
            return None

    def reap_crashed(self, every: float = 15.0) -> list[str]:
        """:meth:`mark_interrupted`, at most once per ``every`` seconds: the dashboard calls it on each
        page so a run whose process died shows 中断 without waiting for a CLI command."""
        with self._reap_lock:
            if _time.monotonic() - self._reaped_at < every:
                return []
            self._reaped_at = _time.monotonic()
        return self.mark_interrupted()

    @_db_errors
    def find_by_key(self, key: str) -> Run | None:
        with self.session() as s:
            return s.scalar(select(Run).where(Run.idempotency_key == key))

    @_db_errors
    def release_key(self, run_id: str) -> None:
        """Detach an unfinished attempt from its idempotency key so a new attempt can take it."""
        with self.session() as s, s.begin():
            run = s.get(Run, run_id)
            if run is not None and run.idempotency_key:
                run.idempotency_key = f"{run.idempotency_key}#{run.id}"

    @_db_errors
    def update_run(self, run_id: str, **fields: Any) -> None:
        """Set columns of a run; a run switched to ``running`` is tagged with this process (and has a first heartbeat)."""
        if fields.get("status") == RunStatus.RUNNING:
            fields.setdefault("process", process_tag())
            fields.setdefault("heartbeat_at", now())
        with self.session() as s, s.begin():
            run = s.get(Run, run_id)
            if run is None:
                raise KeyError(run_id)
            for k, v in fields.items():
                setattr(run, k, v)

    @_db_errors
    def start_step(self, run_id: str, seq: int, step: str, action: str | None, item: str | None, attempt: int = 1) -> int:
        with self.session() as s, s.begin():
            log = StepLog(run_id=run_id, seq=seq, step=step, action=action, item=item, status=RunStatus.RUNNING,
                          started_at=now(), attempt=attempt)
            s.add(log)
            s.flush()
            return log.id

    @_db_errors
    def finish_step(self, step_id: int, status: str, message: str | None = None) -> None:
        with self.session() as s, s.begin():
            log = s.get(StepLog, step_id)
            if log is not None:
                log.status, log.finished_at, log.message = status, now(), message

    @_db_errors
    def record_artifacts(self, run_id: str, artifact_dir: Path) -> list[Artifact]:
        """Register every file under the run's folder (path relative to it, size, sha256)."""
        rows = []
        if artifact_dir.is_dir():
            # hidden files and folders are the run's own working state (.items/: kept results for a re-run)
            for f in sorted(p for p in artifact_dir.rglob("*")
                            if p.is_file() and not any(x.startswith(".") for x in p.relative_to(artifact_dir).parts)):
                rel = f.relative_to(artifact_dir).as_posix()
                kind = _artifact_kind(rel)
                rows.append(Artifact(run_id=run_id, path=rel, kind=kind, size=f.stat().st_size, sha256=_sha256(f)))
        with self.session() as s, s.begin():
            for old in s.scalars(select(Artifact).where(Artifact.run_id == run_id)):
                s.delete(old)
            s.add_all(rows)
        return rows

    @_db_errors
    def mark_interrupted(self) -> list[str]:
        """Runs whose process or machine has stopped become ``interrupted``.

        Called when ``kyodo run``/``demo``/``dashboard``/``schedule start`` start up, and by the
        dashboard. Two signs, either is enough:

        - a local run (no Celery worker) whose process on this machine is gone; a run still going in
          another process here (the scheduler, a second terminal) is left alone;
        - a running run, on any machine or worker, with no heartbeat for ``KYODO_RUN_STALE_MINUTES``
          (its machine died, or lost the database): the engine beats every few seconds
          (:mod:`kyodo.runner.heartbeat`), also while an action waits. A Celery run marked so is still
          redelivered by the broker, and the new attempt takes the record over.
        """
        minutes = load_settings().run_stale_minutes
        with self.session() as s, s.begin():
            local = or_(Run.status == RunStatus.RUNNING, and_(Run.status == RunStatus.QUEUED, Run.process.is_not(None)))
            candidates = list(s.scalars(select(Run).where(local, Run.worker.is_(None))))
            crashed = [r for r in candidates if is_alive(r.process) is False]
            quiet = s.scalars(select(Run).where(Run.status == RunStatus.RUNNING, Run.heartbeat_at.is_not(None),
                                                Run.heartbeat_at < now() - timedelta(minutes=minutes)))
            silent = [r for r in quiet if r not in crashed]
            for r in crashed:
                _interrupt(r, "実行中にプロセスが停止しました（再実行できます: kyodo runs rerun）")
            for r in silent:
                _interrupt(r, f"{minutes:g}分以上応答がないため中断としました。実行していた機械またはワーカーが停止した"
                              "可能性があります（再実行できます: kyodo runs rerun）")
            return [r.id for r in crashed + silent]

    @_db_errors
    def beat(self, run_id: str) -> None:
        """The run is still going (called every few seconds by its heartbeat)."""
        with self.session() as s, s.begin():
            s.execute(update(Run).where(Run.id == run_id, Run.status == RunStatus.RUNNING).values(heartbeat_at=now()))

    # --- reading -------------------------------------------------------------------------
    @_db_errors
    def get_run(self, run_id: str) -> Run | None:
        with self.session() as s:
            return s.scalar(
                select(Run).where(Run.id == run_id).options(selectinload(Run.steps), selectinload(Run.artifacts))
            )

    @_db_errors
    def list_runs(self, f: RunFilter | None = None) -> list[Run]:
        """Newest first; dates in the filter are Japanese calendar days."""
        f = f or RunFilter()
        q = select(Run).order_by(Run.created_at.desc(), Run.id.desc()).limit(f.limit).offset(f.offset)
        for cond in _conditions(f):
            q = q.where(cond)
        with self.session() as s:
            return list(s.scalars(q))

    @_db_errors
    def count_runs(self, f: RunFilter | None = None) -> int:
        """How many runs match (for paging), ignoring ``limit`` and ``offset``."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(Run).where(*_conditions(f or RunFilter()))) or 0)

    @_db_errors
    def summary(self, f: RunFilter | None = None) -> list[dict[str, Any]]:
        """Per municipality and scenario: number of runs by status and the latest run (for overviews)."""
        f = f or RunFilter()
        conds = _conditions(f)
        counts = select(Run.municipality, Run.scenario, Run.status, func.count()).where(*conds).group_by(
            Run.municipality, Run.scenario, Run.status)
        latest = select(Run.municipality, Run.scenario, func.max(Run.created_at).label("last")).where(*conds).group_by(
            Run.municipality, Run.scenario).subquery()
        last_runs = select(Run).join(latest, and_(Run.municipality == latest.c.municipality, Run.scenario == latest.c.scenario,
                                                  Run.created_at == latest.c.last))
        out: dict[tuple[str, str], dict[str, Any]] = {}
        with self.session() as s:
            for code, scenario, status, n in s.execute(counts):
                row = out.setdefault((code, scenario), {"municipality": code, "scenario": scenario, "counts": {}, "last": None})
                row["counts"][status] = n
            for run in s.scalars(last_runs):
                entry = out.get((run.municipality, run.scenario))
                if entry is not None and (entry["last"] is None or run.id > entry["last"].id):
                    entry["last"] = run
        return [out[k] for k in sorted(out)]

    @_db_errors
    def runs_for_days(self, first: date, last: date, municipalities: list[str] | None = None) -> list[Run]:
        """Runs whose logical date (the business day they processed) lies in [first, last].

        Runs recorded before logical dates existed fall back to their start day in Japan.
        """
        by_created = and_(Run.logical_date.is_(None), Run.created_at >= jst_day_start(first),
                          Run.created_at < jst_day_start(last + timedelta(days=1)))
        q = select(Run).where(or_(Run.logical_date.between(first, last), by_created)).order_by(Run.created_at)
        if municipalities is not None:
            q = q.where(Run.municipality.in_(municipalities))
        with self.session() as s:
            return list(s.scalars(q))


def _conditions(f: RunFilter) -> list[Any]:
    conds: list[Any] = []
    if isinstance(f.municipality, str):
        conds.append(Run.municipality == f.municipality)
    elif f.municipality is not None:
        conds.append(Run.municipality.in_(list(f.municipality)))
    if f.with_parts and f.municipality is not None:  # JSON list ["352021", ...] matched as text on every backend
        codes = [f.municipality] if isinstance(f.municipality, str) else list(f.municipality)
        conds[-1] = or_(conds[-1], *(cast(Run.municipalities, String).like(f'%"{c}"%') for c in codes if c.isdigit()))
    if f.scenario:
        conds.append(Run.scenario == f.scenario)
    if f.status:
        conds.append(Run.status == f.status)
    if f.rerun_of:
        conds.append(Run.rerun_of == f.rerun_of)
    if f.since:
        conds.append(Run.created_at >= jst_day_start(f.since))
    if f.until:
        conds.append(Run.created_at < jst_day_start(f.until + timedelta(days=1)))
    return conds


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, timeout_ms: int = 30000) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")  # first: switching to WAL itself needs the lock
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: safe against crashes, far fewer fsyncs
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _artifact_kind(rel: str) -> str:
    """screenshot (failure screens, shown inline), log (run.log, also encrypted) or output."""
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("failure") and name.endswith(".png"):
        return "screenshot"
    if name.endswith((".log", ".log.enc")):
        return "log"
    return "output"


def _owner_only(db: str) -> None:
    """The SQLite file holds password hashes and run history: readable by its owner only."""
    if not db or db == ":memory:":
        return
    for suffix in ("", "-wal", "-shm", ".migrate.lock"):
        try:
            os.chmod(db + suffix, 0o600)
        except OSError:
            pass


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<db>"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


__all__ = ["RerunInProgress", "RunStore", "RunFilter", "new_run_id", "IntegrityError",
           "db_error", "jst_day_start", "parse_day"]

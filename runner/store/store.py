"""RunStore: the one place that writes and reads run history (SQLite or PostgreSQL by URL)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from robots.errors import ApplicationError
from runner.store.models import Artifact, Base, Run, StepLog

TERMINAL = ("succeeded", "partial", "failed", "interrupted", "skipped")


def now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    """Sortable, unique run id: UTC timestamp + random suffix (safe as a folder name)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


@dataclass
class RunFilter:
    municipality: str | list[str] | None = None
    scenario: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int = 100


class RunStore:
    """Run history. Create one per process; it is safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        try:
            from runner.store.migrate import upgrade

            upgrade(self.engine)
        except OperationalError as exc:
            raise ApplicationError(
                f"実行履歴データベースに接続できません: {exc.orig.__class__.__name__}",
                where=_safe_url(self.url),
                hint="KYODO_DB_URL とデータベースの稼働状況を確認してください。",
            ) from None

    def session(self) -> Session:
        return self._session()

    # --- writing -------------------------------------------------------------------------
    def create_run(self, *, scenario: str, version: str, municipality: str, municipalities: list[str],
                   trigger: str, params: dict, artifact_dir: str, minutes_per_item: float = 0.0,
                   idempotency_key: str | None = None, run_id: str | None = None,
                   rerun_of: str | None = None, status: str = "running", logical_date: date | None = None) -> Run:
        run = Run(
            id=run_id or new_run_id(), scenario=scenario, scenario_version=version, municipality=municipality,
            municipalities=municipalities, trigger=trigger, status=status, created_at=now(),
            started_at=now() if status == "running" else None, params=_jsonable(params),
            artifact_dir=artifact_dir, minutes_per_item=minutes_per_item, idempotency_key=idempotency_key,
            rerun_of=rerun_of, logical_date=logical_date,
        )
        with self.session() as s, s.begin():
            s.add(run)
        return run

    def find_by_key(self, key: str) -> Run | None:
        with self.session() as s:
            return s.scalar(select(Run).where(Run.idempotency_key == key))

    def release_key(self, run_id: str) -> None:
        """Detach an unfinished attempt from its idempotency key so a new attempt can take it."""
        with self.session() as s, s.begin():
            run = s.get(Run, run_id)
            if run is not None and run.idempotency_key:
                run.idempotency_key = f"{run.idempotency_key}#{run.id}"

    def update_run(self, run_id: str, **fields: Any) -> None:
        with self.session() as s, s.begin():
            run = s.get(Run, run_id)
            if run is None:
                raise KeyError(run_id)
            for k, v in fields.items():
                setattr(run, k, v)

    def start_step(self, run_id: str, seq: int, step: str, action: str | None, item: str | None, attempt: int = 1) -> int:
        with self.session() as s, s.begin():
            log = StepLog(run_id=run_id, seq=seq, step=step, action=action, item=item, status="running",
                          started_at=now(), attempt=attempt)
            s.add(log)
            s.flush()
            return log.id

    def finish_step(self, step_id: int, status: str, message: str | None = None) -> None:
        with self.session() as s, s.begin():
            log = s.get(StepLog, step_id)
            if log is not None:
                log.status, log.finished_at, log.message = status, now(), message

    def record_artifacts(self, run_id: str, artifact_dir: Path) -> list[Artifact]:
        """Register every file under the run's folder (path relative to it, size, sha256)."""
        rows = []
        if artifact_dir.is_dir():
            for f in sorted(p for p in artifact_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
                rel = f.relative_to(artifact_dir).as_posix()
                kind = "screenshot" if f.suffix == ".png" and rel.startswith("failure") else "output"
                rows.append(Artifact(run_id=run_id, path=rel, kind=kind, size=f.stat().st_size, sha256=_sha256(f)))
        with self.session() as s, s.begin():
            for old in s.scalars(select(Artifact).where(Artifact.run_id == run_id)):
                s.delete(old)
            s.add_all(rows)
        return rows

    def mark_interrupted(self) -> list[str]:
        """Runs left ``running`` by a crashed process become ``interrupted`` (called at start-up)."""
        with self.session() as s, s.begin():
            runs = list(s.scalars(select(Run).where(Run.status == "running", Run.worker.is_(None))))
            for r in runs:
                r.status, r.finished_at = "interrupted", now()
                r.error_class = "application"
                r.error_message = "実行中にプロセスが停止しました（再実行できます: kyodo runs rerun）"
            return [r.id for r in runs]

    # --- reading -------------------------------------------------------------------------
    def get_run(self, run_id: str) -> Run | None:
        with self.session() as s:
            return s.scalar(
                select(Run).where(Run.id == run_id).options(selectinload(Run.steps), selectinload(Run.artifacts))
            )

    def list_runs(self, f: RunFilter | None = None) -> list[Run]:
        f = f or RunFilter()
        q = select(Run).order_by(Run.created_at.desc()).limit(f.limit)
        if isinstance(f.municipality, str):
            q = q.where(Run.municipality == f.municipality)
        elif f.municipality is not None:
            q = q.where(Run.municipality.in_(f.municipality))
        if f.scenario:
            q = q.where(Run.scenario == f.scenario)
        if f.status:
            q = q.where(Run.status == f.status)
        if f.since:
            q = q.where(Run.created_at >= datetime.combine(f.since, datetime.min.time(), timezone.utc))
        if f.until:
            q = q.where(Run.created_at < datetime.combine(f.until, datetime.max.time(), timezone.utc))
        with self.session() as s:
            return list(s.scalars(q))

    def iter_runs_between(self, start: datetime, end: datetime) -> Iterator[Run]:
        with self.session() as s:
            yield from s.scalars(select(Run).where(Run.created_at >= start, Run.created_at < end))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: safe against crashes, far fewer fsyncs
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

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


__all__ = ["RunStore", "RunFilter", "TERMINAL", "new_run_id", "IntegrityError"]

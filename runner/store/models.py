"""Run store tables: one row per run, per step execution and per artifact.

Columns hold no personal data: messages are masked before they are stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from kyodo.core.status import RunStatus, Trigger


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and always read back time-zone aware.

    SQLite has no time zones: without this, a JST bound (month start for the effect report) is
    compared as text against UTC values, and rows come back naive. Every backend now sees UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, datetime):
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


class Base(DeclarativeBase):
    pass


ACTIVE_RERUN = "rerun_of IS NOT NULL AND status IN ('queued', 'running')"


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100), index=True)
    scenario_version: Mapped[str] = mapped_column(String(20), default="")
    municipality: Mapped[str] = mapped_column(String(6), index=True)
    municipalities: Mapped[list] = mapped_column(JSON, default=list)
    trigger: Mapped[str] = mapped_column(String(20), default=Trigger.MANUAL.value)
    status: Mapped[str] = mapped_column(String(20), index=True, default=RunStatus.QUEUED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    items_ok: Mapped[int] = mapped_column(Integer, default=0)
    items_failed: Mapped[int] = mapped_column(Integer, default=0)
    minutes_per_item: Mapped[float] = mapped_column(Float, default=0.0)
    error_class: Mapped[str | None] = mapped_column(String(20), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    artifact_dir: Mapped[str] = mapped_column(Text, default="")
    logical_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    rerun_of: Mapped[str | None] = mapped_column(String(40), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # host:pid:start of the local process running it (crash detection; Celery runs use ``worker``)
    process: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # live progress of a running run: {"done", "total", "label", "item"} (migration 0007; see kyodo.runner.progress)
    progress: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # when the running process last said it is alive (migration 0008; see kyodo.runner.heartbeat)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    # At most one re-run of a run (per municipality part) may be queued or running at a time, enforced by the database so
    # that concurrent requests (three clicks, two staff) cannot start two (migration 0006).
    __table_args__ = (Index("uq_runs_active_rerun", "rerun_of", "municipality", unique=True,
                            sqlite_where=text(ACTIVE_RERUN), postgresql_where=text(ACTIVE_RERUN)),
                      # history pages (newest first) and the per-town overview (migration 0007)
                      Index("ix_runs_created_at", "created_at"),
                      Index("ix_runs_town_scenario_created", "municipality", "scenario", "created_at"))

    steps: Mapped[list[StepLog]] = relationship(back_populates="run", cascade="all, delete-orphan", order_by="StepLog.seq")
    artifacts: Mapped[list[Artifact]] = relationship(back_populates="run", cascade="all, delete-orphan", order_by="Artifact.path")


class StepLog(Base):
    __tablename__ = "run_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(200))
    action: Mapped[str | None] = mapped_column(String(100), nullable=True)
    item: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)

    run: Mapped[Run] = relationship(back_populates="steps")


class Artifact(Base):
    __tablename__ = "artifacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="output")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")

    run: Mapped[Run] = relationship(back_populates="artifacts")


class User(Base):
    """A staff account: ``municipality`` None means prefecture staff (sees every municipality)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(6), nullable=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # disabled: no login, no session


class StaffSession(Base):
    """A dashboard login. The cookie holds a random token; only its SHA-256 is stored, so a copy of
    the database opens no session. Deleting the row ends the session at once (logout, password
    change, ``kyodo users disable``), also across a dashboard restart."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRecord(Base):
    """One append-only audit entry; ``hash`` chains it to the previous entry."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

"""Storing residents' questions for improvement — masked before they are written.

Only questions the bot could not answer and answers a resident marked 👎 are kept (with the
bot's choice, for the 正答率); answered questions are not stored. Names, addresses and every
number are masked first (``kyodo.faq_bot.privacy``). The SQLite file is created 0600 in a 0700
folder.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from kyodo.core.settings import load_settings
from kyodo.faq_bot.metrics import evaluate_runs
from kyodo.faq_bot.privacy import mask_question

LOCK_TIMEOUT_S = 1.0


def _sqlite_wal(dbapi_conn: Any, _: Any) -> None:
    """WAL: residents' writes do not block each other's reads, and commits need no full fsync."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class _Base(DeclarativeBase):
    pass


class QuestionLog(_Base):
    __tablename__ = "faq_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality: Mapped[str] = mapped_column(String(6), index=True)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    top_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    helpful: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    correct_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def default_url() -> str:
    """``KYODO_FAQ_DB_URL``, else SQLite under ``KYODO_HOME/faq``."""
    return load_settings().faq_db_url


def _private_sqlite(url: str) -> None:
    """Create the SQLite file 0600 inside a 0700 folder before SQLAlchemy opens it."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = Path(url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


class QuestionStore:
    def __init__(self, url: str | None = None) -> None:
        url = url or default_url()
        _private_sqlite(url)
        # a locked log must not hold up a resident's answer for long: give up after 1 s
        args = {"timeout": LOCK_TIMEOUT_S} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, future=True, connect_args=args)
        if url.startswith("sqlite") and not url.endswith(":memory:"):
            event.listen(self.engine, "connect", _sqlite_wal)
        _Base.metadata.create_all(self.engine)
        self._s = sessionmaker(self.engine, expire_on_commit=False)

    def add(self, municipality: str, question: str, kind: str, top_id: str | None, confidence: float,
            helpful: bool | None = None) -> int:
        row = QuestionLog(municipality=municipality, question=mask_question(question)[:500], kind=kind, top_id=top_id,
                          confidence=confidence, helpful=helpful, created_at=datetime.now(UTC))
        with self._s() as s, s.begin():
            s.add(row)
            s.flush()
            return row.id

    def feedback(self, log_id: int, municipality: str, helpful: bool) -> bool:
        with self._s() as s, s.begin():
            row = s.get(QuestionLog, log_id)
            if row is None or row.municipality != municipality:
                return False
            row.helpful = helpful
            return True

    def label(self, log_id: int, correct_id: str) -> None:
        with self._s() as s, s.begin():
            row = s.get(QuestionLog, log_id)
            if row is not None:
                row.correct_id = correct_id

    def to_improve(self, municipality: str | None = None) -> list[QuestionLog]:
        """Questions the bot could not answer, or whose answer was marked unhelpful."""
        q = select(QuestionLog).where((QuestionLog.kind == "not_sure") | (QuestionLog.helpful.is_(False)))
        if municipality:
            q = q.where(QuestionLog.municipality == municipality)
        with self._s() as s:
            return list(s.scalars(q.order_by(QuestionLog.id)))

    def labelled(self) -> list[QuestionLog]:
        with self._s() as s:
            return list(s.scalars(select(QuestionLog).where(QuestionLog.correct_id.is_not(None))))

    def all(self) -> list[QuestionLog]:
        with self._s() as s:
            return list(s.scalars(select(QuestionLog)))


def accuracy_from_logs(rows: list[Any]) -> dict[str, float]:
    """正答率 over labelled logs, computed with the same metric code as ``faq eval``."""
    runs = {str(r.id): [r.top_id] if r.top_id else [] for r in rows}
    qrels = {str(r.id): {r.correct_id: 1} for r in rows}
    m = evaluate_runs(runs, qrels, [])
    return {"正答率": m["sr@1"], "件数": float(len(rows))}

"""Schema creation/upgrade. Alembic migrations live in runner/store/alembic (see docs)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from runner.store.models import Base


def upgrade(engine: Engine) -> None:
    """Bring the schema to the current version."""
    Base.metadata.create_all(engine)

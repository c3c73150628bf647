"""Schema migrations with Alembic, run programmatically (no alembic.ini for staff to manage).

- Fast path: when the database is already at the newest revision, nothing but one small read
  happens (every ``kyodo`` command opens the store).
- A database made by an early kyodo with ``create_all`` (tables but no ``alembic_version``) is
  stamped at the initial revision first, then upgraded like any other.
- Two processes starting at once on a fresh database do not race: PostgreSQL takes an advisory
  lock for the migration, SQLite a file lock next to the database file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPTS = Path(__file__).resolve().parent / "alembic"
_PG_LOCK_KEY = 0x6B796F646F  # "kyodo"


def _config(connection: Connection | None):
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    """The newest revision(s) shipped with this kyodo.

    Read from the ``revision``/``down_revision`` lines of the scripts rather than through Alembic:
    importing Alembic costs ~0.1 s, and every ``kyodo`` command opens the store. A test checks
    that this agrees with Alembic's own ``ScriptDirectory.get_heads()``.
    """
    line = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(.+?)\s*$", re.M)
    revs: set[str] = set()
    downs: set[str] = set()
    for script in (SCRIPTS / "versions").glob("*.py"):
        found = dict(line.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revs.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found.get("down_revision", "None"))
        downs.update([down] if isinstance(down, str) else list(down or ()))
    return frozenset(revs - downs)


def current_heads(conn: Connection) -> frozenset[str]:
    """The revision(s) recorded in the database (empty for a new or pre-Alembic database)."""
    if not inspect(conn).has_table("alembic_version"):
        return frozenset()
    return frozenset(row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version")))


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: the newest)."""
    if revision == "heads":
        with engine.connect() as conn:
            if current_heads(conn) == heads():
                return
    with _migration_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        tables = set(inspect(conn).get_table_names())
        cfg = _config(conn)
        if "runs" in tables and "alembic_version" not in tables:
            command.stamp(cfg, "0001")
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back (operators only, e.g. before reinstalling an older kyodo)."""
    with _migration_lock(engine), engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def current(engine: Engine) -> str | None:
    """The database's revision (``None`` for an empty database)."""
    with engine.connect() as conn:
        revs = sorted(current_heads(conn))
    return ",".join(revs) or None


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    db = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not db or db == ":memory:":
        yield
        return
    with FileLock(str(Path(db).with_name(Path(db).name + ".migrate.lock")), timeout=120):
        yield

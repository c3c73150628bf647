"""Alembic migrations match the models, upgrade old databases, and fail clearly when the DB is unusable."""

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, inspect, text

from kyodo.core.errors import ApplicationError
from kyodo.runner.store import RunFilter, RunStore
from kyodo.runner.store.migrate import current, downgrade, heads, upgrade
from kyodo.runner.store.models import Base


def _fresh(request, tmp_path, name="m.db"):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / name}"
    url = request.getfixturevalue("postgres_url")
    eng = create_engine(url)
    with eng.begin() as c:  # each test starts from an empty database
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    return _fresh(request, tmp_path)


def test_migrated_schema_matches_the_models(empty_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = RunStore(empty_url)
    assert current(store.engine) == ",".join(sorted(heads()))
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models.py and runner/store/alembic/versions disagree: {diff}"


def test_downgrade_and_upgrade_keep_the_data(empty_url):
    store = RunStore(empty_url)
    run = store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                           params={}, artifact_dir="", logical_date=date(2026, 10, 1))
    downgrade(store.engine, "0001")
    assert "logical_date" not in {c["name"] for c in inspect(store.engine).get_columns("runs")}
    assert "users" not in inspect(store.engine).get_table_names()
    upgrade(store.engine)
    store.engine.dispose()
    again = RunStore(empty_url)
    got = again.get_run(run.id)
    assert got.scenario == "s" and got.logical_date is None and got.process is None


def test_database_made_by_create_all_is_stamped_then_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    eng = create_engine(url)
    upgrade(eng, "0001")  # the tables an early kyodo made with create_all ...
    with eng.begin() as c:
        c.execute(text("DROP TABLE alembic_version"))  # ... without Alembic's bookkeeping
        c.execute(text("INSERT INTO runs (id, scenario, scenario_version, municipality, municipalities, trigger, status, "
                       "created_at, items_ok, items_failed, minutes_per_item, params, artifact_dir, attempt) VALUES "
                       "('old-1', 's', '1', '352039', '[]', 'manual', 'succeeded', '2026-10-01 00:00:00', 4, 0, 2.0, '{}', '', 1)"))
    eng.dispose()
    store = RunStore(url)
    assert current(store.engine) == ",".join(sorted(heads()))
    old = store.get_run("old-1")
    assert old.items_ok == 4 and old.created_at == datetime(2026, 10, 1, tzinfo=UTC)


def test_dates_are_japanese_days_on_every_backend(empty_url):
    """A run at 00:30 JST on 1 October is an October run although it is 30 September in UTC."""
    store = RunStore(empty_url)
    early = store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                             params={}, artifact_dir="")
    late = store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                            params={}, artifact_dir="")
    store.update_run(early.id, created_at=datetime(2026, 9, 30, 15, 30, tzinfo=UTC))  # 2026-10-01 00:30 JST
    store.update_run(late.id, created_at=datetime(2026, 9, 30, 14, 30, tzinfo=UTC))  # 2026-09-30 23:30 JST
    october = store.list_runs(RunFilter(since=date(2026, 10, 1)))
    september = store.list_runs(RunFilter(until=date(2026, 9, 30)))
    assert [r.id for r in october] == [early.id] and [r.id for r in september] == [late.id]
    got = store.get_run(early.id)
    assert got.created_at.tzinfo is not None and got.created_at == datetime(2026, 9, 30, 15, 30, tzinfo=UTC)
    assert [r.id for r in store.runs_for_days(date(2026, 10, 1), date(2026, 10, 31))] == [early.id]


def test_locked_sqlite_database_is_a_clear_message(tmp_path):
    path = tmp_path / "locked.db"
    RunStore(f"sqlite:///{path}").engine.dispose()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
    try:
        store = RunStore(f"sqlite:///{path}", timeout=0.2)
        with pytest.raises(ApplicationError) as e:
            store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                             params={}, artifact_dir="")
        assert "ロック中" in e.value.message and str(path) in (e.value.where or "")
        assert e.value.kind == "application"  # retryable, not the staff's data
    finally:
        blocker.rollback()
        blocker.close()
    store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                     params={}, artifact_dir="")


@pytest.mark.postgres
def test_wrong_postgres_password_names_the_url_without_it(postgres_url):
    from sqlalchemy.engine import make_url

    bad = make_url(postgres_url).set(username="nobody-here", password="pw-secret-123")  # no such role
    with pytest.raises(ApplicationError) as e:
        RunStore(bad.render_as_string(hide_password=False), timeout=3)
    text_ = str(e.value)
    assert "接続できません" in text_ and "pw-secret-123" not in text_ and "nobody-here:***@127.0.0.1" in text_
    assert "ユーザーまたはデータベースがありません" in text_


def test_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    store = RunStore(f"sqlite:///{tmp_path / 'private.db'}")  # password hashes live here too
    store.create_run(scenario="s", version="1", municipality="352039", municipalities=["352039"], trigger="manual",
                     params={}, artifact_dir="")
    assert (tmp_path / "private.db").stat().st_mode & 0o777 == 0o600
    for extra in ("private.db-wal", "private.db-shm"):
        if (tmp_path / extra).exists():
            assert (tmp_path / extra).stat().st_mode & 0o077 == 0


def test_quick_head_lookup_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from kyodo.runner.store.migrate import _config

    assert heads() == frozenset(ScriptDirectory.from_config(_config(None)).get_heads())

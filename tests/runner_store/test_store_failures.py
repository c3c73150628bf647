"""A broken run store (corrupted SQLite file, full disk) gives a Japanese message and exit 2, never a traceback."""

import errno
import sqlite3

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from kyodo.core.errors import ApplicationError
from kyodo.runner.cli import app


def kyodo(*args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output, result.exception


def assert_clean_failure(code, output, exc, words):
    assert code == 2, (code, output, exc)
    assert not isinstance(exc, Exception) or isinstance(exc, SystemExit), exc
    for w in words:
        assert w in output, output
    for raw in ("Traceback", "SELECT", "sqlite3.", "sqlalche.me", "ホスト名"):
        assert raw not in output, output


def test_random_bytes_instead_of_a_database(kyodo_home):
    kyodo_home.mkdir(parents=True)
    (kyodo_home / "kyodo.db").write_bytes(b"\x00garbage" * 4000)
    assert_clean_failure(*kyodo("runs", "list"), ["壊れて", "バックアップ"])


def test_malformed_pages_inside_a_real_database(kyodo_home):
    from kyodo.runner.store import open_store

    store = open_store()
    for _ in range(30):
        store.create_run(scenario="s", version="1", municipality="352021", municipalities=["352021"], trigger="manual",
                         params={"note": "x" * 2000}, artifact_dir="")
    store.engine.dispose()
    db = kyodo_home / "kyodo.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = bytearray(db.read_bytes())
    raw[4096 * 2:4096 * 12] = b"\xa5" * (4096 * 10)  # table and index pages, header intact
    db.write_bytes(bytes(raw))
    assert_clean_failure(*kyodo("runs", "list"), ["壊れて"])


def test_full_disk_is_named_as_such(store):
    """SQLite's real 'database or disk is full' (page limit reached) becomes a disk-space message."""
    pages = store.engine.connect().exec_driver_sql("PRAGMA page_count").scalar()
    event.listen(store.engine, "connect", lambda con, _: con.execute(f"PRAGMA max_page_count={pages}"))
    store.engine.dispose()
    with pytest.raises(ApplicationError) as err:
        for _ in range(50):
            store.create_run(scenario="s", version="1", municipality="352021", municipalities=["352021"],
                             trigger="manual", params={"note": "x" * 5000}, artifact_dir="")
    assert "空き容量" in err.value.message and "ホスト" not in (err.value.hint or "")


def test_cli_turns_a_full_disk_oserror_into_exit_2(kyodo_home, monkeypatch):
    import kyodo.runner.store.store as store_mod

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", str(kyodo_home / "kyodo.db"))

    monkeypatch.setattr(store_mod.RunStore, "list_runs", full)
    assert_clean_failure(*kyodo("runs", "list"), ["空き容量"])

"""Audit log tamper detection, secrets CLI, artifact encryption and retention purge."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kyodo.runner import audit
from kyodo.runner.store import open_store

KYODO = str(Path(sys.executable).parent / "kyodo")


def cli(*args, stdin=None, extra=None):
    env = {**os.environ, **(extra or {})}
    return subprocess.run([KYODO, *args], capture_output=True, text=True, input=stdin, env=env, timeout=120)


def test_audit_chain_detects_edit_and_delete(kyodo_home):
    for i in range(5):
        audit.record("staff", "artifact.download", f"run{i}/out.xlsx", f"電話 090-1234-567{i}")
    assert audit.verify().ok and audit.verify().checked == 5
    assert "090-1234" not in str([e.detail for e in audit.entries()])
    ok = cli("audit", "verify")
    assert ok.returncode == 0 and "5 件" in ok.stdout
    store = open_store()
    with store.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor='someone-else' WHERE id=3"))
    res = audit.verify()
    assert not res.ok and any("記録 3" in p and "書き換え" in p for p in res.problems)
    bad = cli("audit", "verify")
    assert bad.returncode == 1 and "記録 3" in bad.stderr
    with store.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor='staff' WHERE id=3"))
        c.execute(text("DELETE FROM audit_log WHERE id=4"))
    res = audit.verify()
    assert any("記録 4〜4 が削除" in p for p in res.problems)


def test_secret_cli_never_prints_values(kyodo_home, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "tests.security.filekeyring.FileKeyring", "KYODO_TEST_KEYRING": str(tmp_path / "kr.json"),
           "PYTHONPATH": str(Path.cwd())}
    r = cli("secret", "set", "PORTAL_352039", "--stdin", stdin="v3ry-s3cret-value\n", extra=env)
    assert r.returncode == 0, r.stderr
    listed = cli("secret", "list", extra=env)
    assert "PORTAL_352039" in listed.stdout and "v3ry-s3cret-value" not in listed.stdout + listed.stderr
    assert cli("secret", "delete", "PORTAL_352039", extra=env).returncode == 0
    assert "PORTAL_352039\tkeyring" not in cli("secret", "list", extra=env).stdout
    assert cli("secret", "set", "../etc", "--stdin", stdin="x\n", extra=env).returncode == 2
    actions = [e.action for e in audit.entries()]
    assert "secret.set" in actions and "secret.delete" in actions
    for f in kyodo_home.rglob("*"):
        if f.is_file():
            assert b"v3ry-s3cret-value" not in f.read_bytes(), f


ENC_SCENARIO = """
name: enc_test
title: 暗号化テスト
zone: lgwan
encrypt_artifacts: true
retention_days: 30
personal_columns: [氏名]
steps:
  - id: t
    action: excel.read_csv
    with: {path: names.csv}
  - action: excel.write_report
    with: {path: 名簿.xlsx, sheets: [{sheet: 名簿, table: "${t}"}]}
"""


def test_encrypted_artifacts_and_retention_purge(kyodo_home, user_scenarios, tmp_path, monkeypatch):
    from kyodo.runner.artifacts import decrypt_bytes, new_key
    from kyodo.runner.submit import run_scenario

    user_scenarios("enc_test", ENC_SCENARIO)
    data = kyodo_home / "data" / "352039"
    data.mkdir(parents=True)
    (data / "names.csv").write_text("氏名,住所\n山田 太郎,山口市中央1-1\n", encoding="utf-8")
    from kyodo.core.errors import BusinessError

    with pytest.raises(BusinessError, match="ARTIFACT_KEY"):  # no key: refuses before writing anything
        run_scenario("enc_test", ["352039"])
    assert not (kyodo_home / "runs").exists()
    monkeypatch.setenv("KYODO_SECRET_ARTIFACT_KEY", new_key())
    [r] = run_scenario("enc_test", ["352039"])
    assert r.status == "succeeded", r.error
    files = {p.name for p in r.artifact_dir.iterdir()}
    assert "名簿.xlsx.enc" in files and "名簿.xlsx" not in files and "run.log" in files
    enc = r.artifact_dir / "名簿.xlsx.enc"
    assert b"PK" != enc.read_bytes()[:2] and oct(enc.stat().st_mode)[-3:] == "600"
    assert decrypt_bytes(enc.read_bytes())[:2] == b"PK"
    out = tmp_path / "plain.xlsx"
    assert cli("artifacts", "decrypt", str(enc), "-o", str(out)).returncode == 0 and out.read_bytes()[:2] == b"PK"

    store = open_store()
    assert cli("artifacts", "purge").stdout.strip().endswith("0 件を削除しました。")
    store.update_run(r.run_id, finished_at=datetime.now(UTC) - timedelta(days=31))
    dry = cli("artifacts", "purge", "--dry-run")
    assert r.run_id in dry.stdout and r.artifact_dir.exists()
    done = cli("artifacts", "purge")
    assert r.run_id in done.stdout and not r.artifact_dir.exists()
    assert store.get_run(r.run_id).artifact_dir == "" and store.get_run(r.run_id).artifacts == []
    assert any(e.action == "artifact.purge" and r.run_id in e.detail for e in audit.entries())
    assert audit.verify().ok


def test_deleting_the_newest_entries_is_detected(kyodo_home):
    for i in range(4):
        audit.record("cli:tanaka", "secret.set", f"S{i}", "")
    with open_store().engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE id >= 3"))
    res = audit.verify()
    assert not res.ok and res.checked == 2 and any("記録 3〜4 が削除" in p for p in res.problems)
    bad = cli("audit", "verify")
    assert bad.returncode == 1 and "記録 3〜4" in bad.stderr


WRITER = """
import sys, time
from pathlib import Path
from kyodo.runner import audit
audit._store()  # connect first, then start together
Path(sys.argv[2], "ready" + sys.argv[1]).touch()
while not Path(sys.argv[2], "go").exists():
    time.sleep(0.005)
for i in range(15):
    audit.record(f"worker{sys.argv[1]}", "run.start", f"s/{i}", "")
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_writers_on_several_machines_keep_one_chain(kyodo_home, tmp_path, backend, request):
    """Separate homes (separate lock files, like separate machines) appending to one database."""
    db = f"sqlite:///{kyodo_home / 'shared.db'}"
    if backend == "postgresql":
        from sqlalchemy import create_engine

        server = request.getfixturevalue("postgres_url")
        name = f"audit_{tmp_path.name.lower().replace('-', '_')}"[:60]
        with create_engine(server, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        db = server.rsplit("/", 1)[0] + "/" + name
    procs = []
    for n in range(3):
        env = {**os.environ, "KYODO_HOME": str(tmp_path / f"m{n}"), "KYODO_DB_URL": db, "PYTHONPATH": str(Path.cwd())}
        procs.append(subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(tmp_path)], env=env,
                                      stderr=subprocess.PIPE, text=True))
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready*"))) < 3 and time.monotonic() < deadline and all(p.poll() is None for p in procs):
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    res = audit.verify(url=db)
    assert res.ok, res.problems
    assert res.checked == 45 and {e.actor for e in audit.entries(100, url=db)} == {"worker0", "worker1", "worker2"}


def test_published_outputs_follow_retention(kyodo_home):
    from kyodo.runner.artifacts import purge_expired

    old = kyodo_home / "outputs" / "352039" / "e_application_aggregation" / "2026-05-01"
    new = kyodo_home / "outputs" / "352039" / "e_application_aggregation" / "2026-11-20"
    keep = kyodo_home / "outputs" / "352039" / "no_such_scenario" / "2020-01-01"
    for d in (old, new, keep):
        d.mkdir(parents=True)
        (d / "照合.xlsx").write_bytes(b"PK")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    from kyodo.runner.scenario.loader import load_scenario

    days = load_scenario("e_application_aggregation").retention_days
    assert days == 90
    assert [p.folder for p in purge_expired(now, dry_run=True)] == [str(old)] and old.exists()
    assert [p.folder for p in purge_expired(now)] == [str(old)]
    assert not old.exists() and new.exists() and keep.exists()
    [e] = [e for e in audit.entries() if e.action == "artifact.purge"]
    assert e.target == "e_application_aggregation/352039" and "published=2026-05-01" in e.detail


def test_a_changed_scenario_file_is_recorded_before_its_run(kyodo_home, user_scenarios):
    from kyodo.runner.submit import run_scenario

    body = "name: tiny\ntitle: 小さな例\nzone: lgwan\nsteps:\n  - action: flow.log\n    with: {message: こんにちは}\n"
    user_scenarios("tiny", body)
    run_scenario("tiny", ["352039"])
    run_scenario("tiny", ["352039"])
    user_scenarios("tiny", body.replace("小さな例", "小さな例（改）"))
    run_scenario("tiny", ["352039"])
    log = [(e.action, e.target) for e in reversed(audit.entries())]
    assert log == [("scenario.change", "tiny"), ("run.start", "tiny/352039"), ("run.finish", "tiny/352039"),
                   ("run.start", "tiny/352039"), ("run.finish", "tiny/352039"),
                   ("scenario.change", "tiny"), ("run.start", "tiny/352039"), ("run.finish", "tiny/352039")]
    changes = [e.detail for e in audit.entries() if e.action == "scenario.change"]
    assert changes[1].endswith("前回=なし") and changes[0].split()[1] == "前回=" + changes[1].split()[0].removeprefix("sha256=")
    assert audit.verify().ok


def test_scenario_change_is_recorded_once_by_runs_starting_together(kyodo_home):
    """Runs that start together after an edit all see the new hash; only one entry may say so."""
    import threading

    audit.record("system", "run.start", "warm/up", "")  # schema and store ready before the race
    go = threading.Barrier(8)
    wrote: list[bool] = []

    def start(digest: str) -> None:
        go.wait()
        wrote.append(audit.note_scenario("e_application_aggregation", digest))

    for digest in ("aaaa1111", "bbbb2222"):
        threads = [threading.Thread(target=start, args=(digest,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    changes = [e.detail for e in audit.entries(100) if e.action == "scenario.change"]
    assert wrote.count(True) == 2 and len(changes) == 2, changes
    assert changes[0].startswith("sha256=bbbb") and "前回=aaaa" in changes[0] and "前回=なし" in changes[1]
    assert audit.verify().ok

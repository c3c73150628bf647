"""Audit log tamper detection, secrets CLI, artifact encryption and retention purge."""

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from runner import audit
from runner.store import open_store

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


def test_encrypted_artifacts_and_retention_purge(kyodo_home, tmp_path, monkeypatch):
    from runner.artifacts import decrypt_bytes, new_key
    from runner.settings import reset_settings
    from runner.submit import run_scenario

    scen = tmp_path / "scen"
    scen.mkdir()
    (scen / "enc_test.yaml").write_text(ENC_SCENARIO, encoding="utf-8")
    monkeypatch.setenv("KYODO_SCENARIOS", str(scen))
    reset_settings()
    data = kyodo_home / "data" / "352039"
    data.mkdir(parents=True)
    (data / "names.csv").write_text("氏名,住所\n山田 太郎,山口市中央1-1\n", encoding="utf-8")
    from robots.errors import BusinessError

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
    store.update_run(r.run_id, finished_at=datetime.now(timezone.utc) - timedelta(days=31))
    dry = cli("artifacts", "purge", "--dry-run")
    assert r.run_id in dry.stdout and r.artifact_dir.exists()
    done = cli("artifacts", "purge")
    assert r.run_id in done.stdout and not r.artifact_dir.exists()
    assert store.get_run(r.run_id).artifact_dir == "" and store.get_run(r.run_id).artifacts == []
    assert any(e.action == "artifact.purge" and r.run_id in e.detail for e in audit.entries())
    assert audit.verify().ok

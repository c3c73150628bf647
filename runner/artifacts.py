"""Artifacts at rest: optional encryption (Fernet) and retention (purge with an audit entry).

Encryption: a scenario with ``encrypt_artifacts: true`` has every output file of a run
encrypted with the key in the secret ``ARTIFACT_KEY`` (``kyodo artifacts keygen`` makes one);
the plaintext is removed, the dashboard decrypts on download for authorised staff.
Retention: runs older than their scenario's ``retention_days`` lose their folder, and the
published copies (``outputs/<code>/<scenario>/<date>``) go too; the run record stays (marked
purged) and each deletion is written to the audit log.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from kyodo.core.errors import BusinessError
from kyodo.core.settings import get_settings
from kyodo.runner.audit import record
from kyodo.runner.scenario.loader import available_scenarios, load_scenario
from kyodo.runner.secrets import get_secret
from kyodo.runner.store import open_store
from kyodo.runner.store.models import Run

KEY_SECRET = "ARTIFACT_KEY"
KEEP_PLAIN = {"run.log"}


def _fernet():
    try:
        return Fernet(get_secret(KEY_SECRET).encode())
    except ValueError:
        raise BusinessError("ARTIFACT_KEY が正しい暗号化キーではありません。", hint="kyodo artifacts keygen で作ったキーを登録してください。") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


def require_key() -> None:
    """Fail before a run starts if encryption is asked for but no key is registered."""
    _fernet()


def encrypt_tree(root: Path) -> list[Path]:
    """Encrypt every file under ``root`` (except the masked run log) to ``<name>.enc``."""
    f = _fernet()
    out = []
    for p in sorted(x for x in root.rglob("*") if x.is_file() and x.name not in KEEP_PLAIN and x.suffix != ".enc"):
        dest = p.with_name(p.name + ".enc")
        tmp = dest.with_name("." + dest.name + ".tmp")
        tmp.write_bytes(f.encrypt(p.read_bytes()))
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
        p.unlink()
        out.append(dest)
    return out


def decrypt_bytes(data: bytes) -> bytes:
    try:
        return _fernet().decrypt(data)
    except InvalidToken:
        raise BusinessError("復号できません（キーが違うか、ファイルが壊れています）。") from None


@dataclass
class Purged:
    run_id: str
    municipality: str
    scenario: str
    folder: str


def purge_expired(now: datetime | None = None, *, dry_run: bool = False, actor: str = "system") -> list[Purged]:
    """Delete run folders and published outputs past their scenario's retention; audit each deletion."""
    now = now or datetime.now(UTC)
    retention: dict[str, int | None] = {}
    for name in available_scenarios():
        try:
            retention[name] = load_scenario(name).retention_days
        except Exception:  # a broken scenario file must not stop the purge of the others
            retention[name] = None
    store = open_store()
    out = []
    with store.session() as s:
        runs = list(s.query(Run).filter(Run.finished_at.is_not(None), Run.artifact_dir != ""))
    for r in runs:
        days = retention.get(r.scenario)
        assert r.finished_at is not None  # the query keeps finished runs only
        finished = r.finished_at if r.finished_at.tzinfo else r.finished_at.replace(tzinfo=UTC)
        if not days or finished > now - timedelta(days=days) or not Path(r.artifact_dir).exists():
            continue
        out.append(Purged(r.id, r.municipality, r.scenario, r.artifact_dir))
        if not dry_run:
            shutil.rmtree(r.artifact_dir, ignore_errors=True)
            store.update_run(r.id, artifact_dir="")
            store.record_artifacts(r.id, Path("/nonexistent"))
            record(actor, "artifact.purge", f"{r.scenario}/{r.municipality}", f"run={r.id} retention_days={days}")
    out += _purge_published(get_settings().home / "outputs", retention, now, dry_run, actor)
    return out


def _purge_published(root: Path, retention: dict[str, int | None], now: datetime, dry_run: bool, actor: str) -> list[Purged]:
    """Published copies live in ``outputs/<code>/<scenario>/<logical date>/``: same retention."""
    out = []
    today = now.astimezone(timezone(timedelta(hours=9))).date()
    for folder in sorted(root.glob("*/*/*")) if root.is_dir() else []:
        code, scenario, day = folder.parts[-3:]
        days = retention.get(scenario)
        try:
            logical = date.fromisoformat(day)
        except ValueError:
            continue
        if not days or not folder.is_dir() or logical > today - timedelta(days=days):
            continue
        out.append(Purged("-", code, scenario, str(folder)))
        if not dry_run:
            shutil.rmtree(folder, ignore_errors=True)
            record(actor, "artifact.purge", f"{scenario}/{code}", f"published={day} retention_days={days}")
    return out

"""The audit log: append-only, one entry per run and per sensitive action, hash-chained.

Each entry stores who, when, what (masked) and the SHA-256 of the previous entry; its own hash
covers all of that. Editing an entry breaks its hash; deleting one breaks the chain (ids are
consecutive and ``prev_hash`` must match). Deleting the *newest* entries leaves a valid but
shorter chain, so every writer also keeps the latest (id, hash) it wrote in a small "head"
file beside the kyodo home; ``verify`` checks the database still reaches that head.

Why the run-store database and not a JSONL file: the log is then backed up, replicated and
access-controlled with the run history it describes, Celery workers on several machines append
to one chain (the primary key on ``id`` makes two writers that raced for the same id fail
instead of forking the chain; the loser retries), and the dashboard can read it. The hash chain
gives the tamper evidence a file would not have anyway.

Call :func:`record` for every sensitive action, or :func:`record_quietly` where an audit
failure must not stop the caller (a run, a staff page), e.g. from the dashboard::

    from kyodo.runner.audit import record_quietly
    record_quietly(user.username, "dashboard.login", "dashboard", "成功")
    record_quietly(user.username, "artifact.download", f"{run.id}/{name}", run.municipality)
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from filelock import FileLock
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from kyodo.core.privacy import mask_text
from kyodo.core.settings import get_settings
from kyodo.runner.store import RunStore
from kyodo.runner.store.models import AuditRecord

GENESIS = "0" * 64
log = logging.getLogger("kyodo.audit")
_lock = threading.Lock()
_stores: dict[str, Any] = {}


def _store(url: str | None = None) -> Any:
    url = url or get_settings().db_url
    if url not in _stores:
        _stores[url] = RunStore(url)
    return _stores[url]


def current_user() -> str:
    """Who is at the keyboard for CLI actions (the OS account), e.g. ``cli:tanaka``."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a minimal container
        return f"cli:uid{os.getuid()}"


def entry_hash(id_: int, at: str, actor: str, action: str, target: str, detail: str, prev: str) -> str:
    payload = json.dumps([id_, at, actor, action, target, detail, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _head_path(url: str) -> Path:
    return get_settings().home / f"audit-head-{hashlib.sha256(url.encode()).hexdigest()[:12]}.json"


def _read_head(url: str) -> tuple[int, str] | None:
    try:
        d = json.loads(_head_path(url).read_text(encoding="utf-8"))
        return int(d["id"]), str(d["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_head(url: str, id_: int, h: str) -> None:
    """Remember the newest entry this machine wrote (fsynced; never moves backwards)."""
    head = _read_head(url)
    if head is not None and head[0] >= id_:
        return
    p = _head_path(url)
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"id": id_, "hash": h}, f)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, p)


def record(actor: str, action: str, target: str, detail: str = "", *, url: str | None = None) -> int:
    """Append one entry (masked) and return its id. Safe across threads, processes and machines."""
    return cast(int, _append(actor, action, target, lambda _s: detail, url=url))  # never skipped: detail is a str


def record_quietly(actor: str, action: str, target: str, detail: str = "") -> None:
    """:func:`record` for callers whose own outcome matters more (a run, a staff page).

    An audit failure is logged for operators, never raised: it must not hide a run's result
    or turn a staff member's page into an error.
    """
    try:
        record(actor, action, target, detail)
    except Exception:
        log.warning("監査ログへの記録に失敗しました", exc_info=True)


def _append(actor: str, action: str, target: str, detail_for: Callable[[Any], str | None], *,
            url: str | None = None) -> int | None:
    """Append one entry; ``detail_for(session)`` runs inside the locked write transaction.

    It sees the chain as the write will extend it, so a check-then-write (see
    :func:`note_scenario`) cannot be raced by another writer; returning ``None`` writes nothing.
    """
    store = _store(url)
    home = get_settings().home
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    actor, target = mask_text(actor)[:100], mask_text(target)
    for attempt in range(50):
        try:
            with _lock, FileLock(str(home / "audit.lock"), mode=0o600), store.session() as s, s.begin():
                # The newest entry first: a writer on another machine that commits after this read
                # takes the same id and one of the two fails and retries (seeing the other's entry).
                last = s.scalar(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1))
                detail = detail_for(s)
                if detail is None:
                    return None
                detail = mask_text(detail)
                new_id = (last.id + 1) if last else 1
                prev = last.hash if last else GENESIS
                at = datetime.now(UTC).replace(microsecond=0)
                h = entry_hash(new_id, at.isoformat(), actor, action, target, detail, prev)
                s.add(AuditRecord(id=new_id, at=at, actor=actor, action=action, target=target, detail=detail,
                                  prev_hash=prev, hash=h))
            break
        except (IntegrityError, OperationalError):  # another machine took this id, or SQLite was busy
            if attempt == 49:
                raise
            time.sleep(0.01 * (1 + attempt % 10))
    with _lock, FileLock(str(home / "audit.lock"), mode=0o600):
        _write_head(store.url, new_id, h)
    return new_id


def note_scenario(name: str, digest: str, actor: str = "system", *, url: str | None = None) -> bool:
    """Record a ``scenario.change`` entry when a scenario file's hash differs from the last one seen.

    Called at every run start, so an edited scenario shows up in the audit log before the first
    run that used it, whoever edited it and however (editor, git pull, dashboard). The comparison
    runs under the same lock and transaction as the write, so runs starting together after an
    edit record the change once.
    """
    if not digest or digest == "-":
        return False
    current = f"sha256={digest}"
    target = mask_text(name)  # as stored

    def detail_for(s: Any) -> str | None:
        last = s.scalar(select(AuditRecord.detail).where(AuditRecord.action == "scenario.change", AuditRecord.target == target)
                        .order_by(AuditRecord.id.desc()).limit(1))
        previous = last.split(" ", 1)[0] if last else ""
        if previous == mask_text(current):  # compared as stored (masked), so a digit run never fakes a change
            return None
        return f"{current} 前回={previous.removeprefix('sha256=') or 'なし'}"

    return _append(actor, "scenario.change", name, detail_for, url=url) is not None


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify(url: str | None = None) -> VerifyResult:
    """Recompute the chain; report edited entries (hash) and deleted ones (gaps, broken links, lost tail)."""
    store = _store(url)
    with store.session() as s:
        rows = list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    problems: list[str] = []
    prev, expect_id = GENESIS, 1
    by_id: dict[int, str] = {}
    for r in rows:
        at = r.at.astimezone(UTC) if r.at.tzinfo else r.at.replace(tzinfo=UTC)  # PG answers in its own zone
        if r.id != expect_id:
            problems.append(f"記録 {expect_id}〜{r.id - 1} が削除されています。")
        if r.prev_hash != prev:
            problems.append(f"記録 {r.id}: 直前の記録とのつながり（ハッシュ）が一致しません（前の記録の改ざん・削除）。")
        if entry_hash(r.id, at.isoformat(), r.actor, r.action, r.target, r.detail, r.prev_hash) != r.hash:
            problems.append(f"記録 {r.id}（{r.action} {r.target}）: 内容が書き換えられています。")
        prev, expect_id = r.hash, r.id + 1
        by_id[r.id] = r.hash
    head = _read_head(store.url)
    if head is not None:
        head_id, head_hash = head
        last = rows[-1].id if rows else 0
        if head_id > last:
            problems.append(f"記録 {last + 1}〜{head_id} が削除されています（最新の記録が消されています）。")
        elif by_id.get(head_id, head_hash) != head_hash:
            problems.append(f"記録 {head_id}: 控えのハッシュと一致しません（記録が作り直されています）。")
    return VerifyResult(not problems, len(rows), problems)


def entries(limit: int = 50, url: str | None = None) -> list[Any]:
    with _store(url).session() as s:
        return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)))

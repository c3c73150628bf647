"""The audit log: append-only, one entry per run and per sensitive action, hash-chained.

Each entry stores who, when, what (masked) and the SHA-256 of the previous entry; its own hash
covers all of that. Editing an entry breaks its hash; deleting one breaks the chain (ids are
consecutive and ``prev_hash`` must match). ``kyodo audit verify`` says which entry is wrong.
The log lives in the run store's database (SQLite or PostgreSQL) so it is backed up with it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from robots.privacy import mask_text

GENESIS = "0" * 64
_lock = threading.Lock()
_stores: dict[str, Any] = {}


def _store(url: str | None = None) -> Any:
    from runner.settings import get_settings
    from runner.store import RunStore

    url = url or get_settings().db_url
    if url not in _stores:
        _stores[url] = RunStore(url)
    return _stores[url]


def entry_hash(id_: int, at: str, actor: str, action: str, target: str, detail: str, prev: str) -> str:
    payload = json.dumps([id_, at, actor, action, target, detail, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(actor: str, action: str, target: str, detail: str = "", *, url: str | None = None) -> int:
    """Append one entry (masked) and return its id. Serialised across threads and processes."""
    from filelock import FileLock

    from runner.settings import get_settings
    from runner.store.models import AuditRecord

    store = _store(url)
    lock_path = get_settings().home / "audit.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    actor, target, detail = mask_text(actor)[:100], mask_text(target), mask_text(detail)
    with _lock, FileLock(str(lock_path)), store.session() as s, s.begin():
        q = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)
        if store.engine.dialect.name == "postgresql":
            q = q.with_for_update()
        last = s.scalar(q)
        new_id = (last.id + 1) if last else 1
        prev = last.hash if last else GENESIS
        at = datetime.now(timezone.utc).replace(microsecond=0)
        h = entry_hash(new_id, at.isoformat(), actor, action, target, detail, prev)
        s.add(AuditRecord(id=new_id, at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=h))
    return new_id


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify(url: str | None = None) -> VerifyResult:
    """Recompute the chain; report edited entries (hash) and deleted ones (gaps, broken links)."""
    from runner.store.models import AuditRecord

    store = _store(url)
    with store.session() as s:
        rows = list(s.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    problems, prev, expect_id = [], GENESIS, 1
    for r in rows:
        at = r.at if r.at.tzinfo else r.at.replace(tzinfo=timezone.utc)
        if r.id != expect_id:
            problems.append(f"記録 {expect_id}〜{r.id - 1} が削除されています。")
        if r.prev_hash != prev:
            problems.append(f"記録 {r.id}: 直前の記録とのつながり（ハッシュ）が一致しません（前の記録の改ざん・削除）。")
        if entry_hash(r.id, at.isoformat(), r.actor, r.action, r.target, r.detail, r.prev_hash) != r.hash:
            problems.append(f"記録 {r.id}（{r.action} {r.target}）: 内容が書き換えられています。")
        prev, expect_id = r.hash, r.id + 1
    return VerifyResult(not problems, len(rows), problems)


def entries(limit: int = 50, url: str | None = None) -> list[Any]:
    from runner.store.models import AuditRecord

    with _store(url).session() as s:
        return list(s.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)))

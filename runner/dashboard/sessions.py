"""Server-side staff sessions: a cookie is only valid while its row exists in the run store.

The signed cookie alone could not be revoked: logout, a password change or a disabled account
left a copied cookie working until it expired, even across restarts. Now the cookie carries a
random token; the store keeps its SHA-256 with the user and the expiry times. Logout deletes
the row, ``kyodo users passwd/disable/remove`` delete all rows of the account, and a restarted
dashboard reads the same table, so a revoked cookie stays dead.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select

from kyodo.runner.store import RunStore
from kyodo.runner.store.models import StaffSession, User

LIFETIME = timedelta(hours=8)  # at most one working day per login
IDLE = timedelta(hours=1)  # an unattended screen is logged out
_TOUCH = timedelta(minutes=1)  # write last_seen at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(store: RunStore, username: str) -> str:
    """A new session for ``username``; returns the token for the cookie (stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with store.session() as s, s.begin():
        s.execute(delete(StaffSession).where(StaffSession.expires_at < now))  # keep the table small
        s.add(StaffSession(token_hash=_hash(token), username=username, created_at=now, last_seen_at=now,
                           expires_at=now + LIFETIME))
    return token


def session_user(store: RunStore, token: str | None) -> str | None:
    """The user name of a live session (not revoked, not expired, not idle, account enabled), else None."""
    if not token or not isinstance(token, str):
        return None
    now = datetime.now(UTC)
    with store.session() as s, s.begin():
        row = s.execute(select(StaffSession, User.disabled_at).join(User, User.username == StaffSession.username)
                        .where(StaffSession.token_hash == _hash(token))).first()
        if row is None:
            return None
        sess, disabled = row
        if disabled is not None or sess.expires_at <= now or now - sess.last_seen_at > IDLE:
            s.delete(sess)
            return None
        if now - sess.last_seen_at > _TOUCH:
            sess.last_seen_at = now
        return sess.username


def close_session(store: RunStore, token: str | None) -> None:
    """Logout: this session ends for every copy of its cookie."""
    if token and isinstance(token, str):
        with store.session() as s, s.begin():
            s.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))


def close_all(store: RunStore, username: str) -> int:
    """End every session of ``username`` (e.g. a lost laptop); returns how many ended."""
    with store.session() as s, s.begin():
        return cast(CursorResult, s.execute(delete(StaffSession).where(StaffSession.username == username))).rowcount or 0

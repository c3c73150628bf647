"""Staff accounts: argon2 password hashes, one municipality per account (or the whole prefecture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import CursorResult, delete, func, select

from kyodo.core.errors import BusinessError
from kyodo.runner.store import RunStore
from kyodo.runner.store.models import StaffSession, User


@dataclass(frozen=True)
class Staff:
    username: str
    municipality: str | None  # None = prefecture staff
    display_name: str

    @property
    def is_prefecture(self) -> bool:
        return self.municipality is None

    def can_see(self, code: str) -> bool:
        return self.is_prefecture or self.municipality == code


def _hasher():
    return PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A staff account as ``kyodo users list`` shows it (never the hash)."""

    username: str
    municipality: str | None
    display_name: str
    created_at: datetime
    disabled_at: datetime | None
    sessions: int


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise BusinessError("パスワードは10文字以上にしてください。")


def _check_municipality(municipality: str | None) -> None:
    """None = prefecture staff. An empty code is refused: it comes from a typo or an empty script
    variable, and must not silently become an account that sees every municipality (or nothing)."""
    if municipality is not None and not municipality.strip():
        raise BusinessError("自治体コードが空です。",
                            hint="市町の職員は --municipality 自治体コード、県職員（全自治体）は --municipality を付けずに登録してください。")


def add_user(store: RunStore, username: str, password: str, municipality: str | None, display_name: str = "") -> None:
    """Create or replace a staff account (password stored only as an argon2 hash).

    Replacing an account ends its sessions: whoever was logged in with the old password is out.
    """
    _check_password(password)
    _check_municipality(municipality)
    username = username.strip()
    if not username:
        raise BusinessError("ユーザー名が空です。")
    with store.session() as s, s.begin():
        s.merge(User(username=username, password_hash=_hasher().hash(password), municipality=municipality,
                     display_name=display_name or username, created_at=datetime.now(UTC), disabled_at=None))
        s.execute(delete(StaffSession).where(StaffSession.username == username))


def _user(s: Any, username: str) -> User:
    user = s.get(User, username)
    if user is None:
        raise BusinessError(f"ユーザー「{username}」は登録されていません。", hint="kyodo users list で確認してください。")
    return user


def set_password(store: RunStore, username: str, password: str) -> int:
    """Change a password; every session of the account ends. Returns the number of sessions ended."""
    _check_password(password)
    with store.session() as s, s.begin():
        _user(s, username).password_hash = _hasher().hash(password)
        return cast(CursorResult, s.execute(delete(StaffSession).where(StaffSession.username == username))).rowcount or 0


def set_disabled(store: RunStore, username: str, disabled: bool = True) -> int:
    """Disable (no login, every session ends at once) or re-enable an account; returns sessions ended."""
    with store.session() as s, s.begin():
        _user(s, username).disabled_at = datetime.now(UTC) if disabled else None
        if not disabled:
            return 0
        return cast(CursorResult, s.execute(delete(StaffSession).where(StaffSession.username == username))).rowcount or 0


def remove_user(store: RunStore, username: str) -> None:
    """Delete an account and its sessions (audit entries keep the name)."""
    with store.session() as s, s.begin():
        s.execute(delete(StaffSession).where(StaffSession.username == username))
        s.delete(_user(s, username))


def list_users(store: RunStore) -> list[Account]:
    now = datetime.now(UTC)
    with store.session() as s:
        live = dict(s.execute(select(StaffSession.username, func.count()).where(StaffSession.expires_at > now)
                              .group_by(StaffSession.username)).all())
        return [Account(u.username, u.municipality, u.display_name, u.created_at, u.disabled_at, live.get(u.username, 0))
                for u in s.scalars(select(User).order_by(User.username))]


def authenticate(store: RunStore, username: str, password: str) -> Staff | None:
    """The staff member, or None for an unknown user or a wrong password (same answer for both)."""
    with store.session() as s:
        user = s.get(User, username)
    if user is None or user.disabled_at is not None:
        _hasher().hash(password)  # same work either way: no user enumeration by timing
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except VerificationError:
        return None
    return Staff(user.username, user.municipality, user.display_name)


def get_staff(store: RunStore, username: str) -> Staff | None:
    """The account if it exists and is enabled."""
    with store.session() as s:
        user = s.get(User, username)
    return Staff(user.username, user.municipality, user.display_name) if user and user.disabled_at is None else None

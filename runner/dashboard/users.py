"""Staff accounts: argon2 password hashes, one municipality per account (or the whole prefecture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from robots.errors import BusinessError
from runner.store import RunStore
from runner.store.models import User


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
    from argon2 import PasswordHasher

    return PasswordHasher()


def add_user(store: RunStore, username: str, password: str, municipality: str | None, display_name: str = "") -> None:
    """Create or replace a staff account (password stored only as an argon2 hash)."""
    if len(password) < 10:
        raise BusinessError("パスワードは10文字以上にしてください。")
    with store.session() as s, s.begin():
        s.merge(User(username=username, password_hash=_hasher().hash(password), municipality=municipality,
                     display_name=display_name or username, created_at=datetime.now(timezone.utc)))


def authenticate(store: RunStore, username: str, password: str) -> Staff | None:
    """The staff member, or None for an unknown user or a wrong password (same answer for both)."""
    from argon2.exceptions import VerificationError

    with store.session() as s:
        user = s.get(User, username)
    if user is None:
        _hasher().hash(password)  # same work either way: no user enumeration by timing
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except VerificationError:
        return None
    return Staff(user.username, user.municipality, user.display_name)


def get_staff(store: RunStore, username: str) -> Staff | None:
    with store.session() as s:
        user = s.get(User, username)
    return Staff(user.username, user.municipality, user.display_name) if user else None

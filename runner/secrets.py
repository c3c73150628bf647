"""Secret lookup by name: environment first (``KYODO_SECRET_<NAME>``), then the OS keyring.

Scenario and registry files only ever hold secret *names*. Every value read is registered
with the masker so it is redacted from logs and messages from then on. Because a keyring
cannot list its entries, the names (never the values) are kept in ``<home>/secret_names.json``.
"""

from __future__ import annotations

import json
import os
import re

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from kyodo.core.errors import BusinessError
from kyodo.core.privacy import register_secret
from kyodo.core.settings import SECRET_PREFIX, get_settings

KEYRING_SERVICE = "kyodo"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")


def env_name(name: str) -> str:
    return SECRET_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def get_secret(name: str) -> str:
    """The secret's value, or a Japanese error telling staff how to register it."""
    value = os.environ.get(env_name(name))
    if value is None:
        try:
            value = keyring.get_password(KEYRING_SERVICE, name)
        except Exception:  # no keyring backend on a server is normal
            value = None
    if not value:
        raise BusinessError(
            f"シークレット「{name}」が登録されていません。",
            hint=f"kyodo secret set {name} で登録するか、環境変数 {env_name(name)} を設定してください。",
        )
    register_secret(value)
    return value


def _index_path():
    return get_settings().home / "secret_names.json"


def _names() -> list[str]:
    p = _index_path()
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else []


def _save_names(names: list[str]) -> None:
    p = _index_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(sorted(set(names)), ensure_ascii=False), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, p)


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise BusinessError(f"シークレット名「{name}」は使えません。", hint="半角英数字と _ . - で、英字から始めてください。")
    return name


def set_secret(name: str, value: str) -> None:
    """Store ``value`` in the OS keyring under ``name`` (never in a file kyodo writes)."""
    check_name(name)
    if not value:
        raise BusinessError("値が空です。")
    try:
        keyring.set_password(KEYRING_SERVICE, name, value)
    except KeyringError as exc:
        raise BusinessError(f"OSの鍵保管庫（keyring）に保存できません（{exc.__class__.__name__}）。",
                            hint=f"サーバーでは環境変数 {env_name(name)} で渡してください。") from None
    register_secret(value)
    _save_names([*_names(), name])


def delete_secret(name: str) -> bool:
    check_name(name)
    try:
        keyring.delete_password(KEYRING_SERVICE, name)
        found = True
    except PasswordDeleteError:
        found = False
    _save_names([n for n in _names() if n != name])
    return found


def list_secrets() -> list[tuple[str, str]]:
    """(name, where) for every known secret name: keyring entries and KYODO_SECRET_* variables."""
    out = [(n, "keyring") for n in _names()]
    for k in sorted(os.environ):
        if k.startswith(SECRET_PREFIX):
            out.append((k.removeprefix(SECRET_PREFIX), "環境変数"))
    return out

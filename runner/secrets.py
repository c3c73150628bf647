"""Secret lookup by name: environment first (``KYODO_SECRET_<NAME>``), then the OS keyring.

Scenario and registry files only ever hold secret *names*. Every value read is registered
with the masker so it is redacted from logs and messages from then on.
"""

from __future__ import annotations

import os
import re

from robots.errors import BusinessError
from robots.privacy import register_secret

KEYRING_SERVICE = "kyodo"


def env_name(name: str) -> str:
    return "KYODO_SECRET_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def get_secret(name: str) -> str:
    """The secret's value, or a Japanese error telling staff how to register it."""
    value = os.environ.get(env_name(name))
    if value is None:
        try:
            import keyring

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

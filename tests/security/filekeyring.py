"""A keyring backend for tests: a JSON file named by KYODO_TEST_KEYRING (shared with subprocesses)."""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    def _load(self) -> dict:
        p = Path(os.environ["KYODO_TEST_KEYRING"])
        return json.loads(p.read_text()) if p.exists() else {}

    def _save(self, d: dict) -> None:
        Path(os.environ["KYODO_TEST_KEYRING"]).write_text(json.dumps(d))

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        d = self._load()
        d[f"{service}/{username}"] = password
        self._save(d)

    def delete_password(self, service, username):
        d = self._load()
        if d.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(d)

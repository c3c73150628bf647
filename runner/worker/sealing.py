"""Run plans cross the broker sealed when the secret ``BROKER_KEY`` is set: Redis then holds nothing in clear.

A plan carries the run's parameters (a 宛名番号 to look up, a list of residents' names) and, for
a DX leader's own scenario file, its text. Redis keeps queued messages in memory and on disk, often
on another machine than the run store. With ``BROKER_KEY`` registered on the submitting machines
and on every worker (``kyodo artifacts keygen`` makes a key; ``kyodo secret set BROKER_KEY``), the
payload travels as one Fernet token (encrypted and authenticated, so a changed message is refused).
Only the run id stays outside, so a worker that cannot open the message still records why.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from kyodo.core.errors import BusinessError
from kyodo.runner.secrets import get_secret

KEY_SECRET = "BROKER_KEY"
SEALED = "sealed"
_HINT = "kyodo artifacts keygen で作ったキーを、投入する機械とすべてのワーカーに kyodo secret set BROKER_KEY で同じものを登録してください。"


def broker_key() -> Fernet | None:
    """The sealing key, or None when ``BROKER_KEY`` is not registered on this machine."""
    try:
        value = get_secret(KEY_SECRET)
    except BusinessError:
        return None
    try:
        return Fernet(value.encode())
    except ValueError:
        raise BusinessError("BROKER_KEY が正しい暗号化キーではありません。", hint=_HINT) from None


def seal(payload: dict[str, Any], key: Fernet | None) -> dict[str, Any]:
    """The payload as it goes on the queue: sealed with ``key`` (:func:`broker_key`, looked up once per batch), or as it is."""
    if key is None:
        return payload
    token = key.encrypt(json.dumps(payload, ensure_ascii=False).encode("utf-8")).decode("ascii")
    return {SEALED: token, "run_id": payload.get("run_id")}


def unseal(payload: Any) -> Any:
    """The plan's fields from a queued message (a plain payload passes through)."""
    if not isinstance(payload, dict) or SEALED not in payload:
        return payload
    key = broker_key()
    if key is None:
        raise BusinessError("暗号化された実行内容が届きましたが、このワーカーには BROKER_KEY が登録されていません。", hint=_HINT)
    try:
        return json.loads(key.decrypt(str(payload[SEALED]).encode("ascii")))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        raise BusinessError("暗号化された実行内容を開けません（BROKER_KEY が投入側と違うか、内容が改変されています）。",
                            hint=_HINT) from None

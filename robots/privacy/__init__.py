"""Personal-data masking: one function used by logs, errors, the run store, dashboard and FAQ logs.

マイナンバー (12 digits) and 法人番号 (13 digits) are recognised by their check digits so that
ordinary numbers (amounts, receipt numbers) stay readable; phone numbers, e-mail addresses and
postal codes are masked by pattern; known secret values and declared personal values are
replaced wherever they occur.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Iterable

_DIGITS12_13 = re.compile(r"(?<!\d)(\d{4}[ -]?\d{4}[ -]?\d{4}|\d{13})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(0\d{1,4}[-(（ ]\d{1,4}[-)） ]\d{3,4}|0[5789]0\d{8}|0\d{9})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_POSTAL = re.compile(r"(〒\s*\d{3}-?\d{4}|(?<![\d-])\d{3}-\d{4}(?![\d-]))")

_lock = threading.Lock()
_secret_values: set[str] = set()


def _my_number_ok(d: str) -> bool:
    from stdnum.jp import in_

    return in_.is_valid(d)


def _corporate_ok(d: str) -> bool:
    from stdnum.jp import cn

    return cn.is_valid(d)


def register_secret(value: str) -> None:
    """Remember a secret value so every later mask call redacts it (process-wide)."""
    if value and len(value) >= 4:
        with _lock:
            _secret_values.add(value)


def mask_text(text: str, personal_values: Iterable[str] = ()) -> str:
    """Return ``text`` with personal data and secrets replaced by ``＊`` markers."""
    if not text:
        return text
    s = str(text)
    with _lock:
        secrets = sorted(_secret_values, key=len, reverse=True)
    for v in secrets:
        s = s.replace(v, "＊＊＊＊")
    for v in sorted({str(v) for v in personal_values if v and len(str(v)) >= 2}, key=len, reverse=True):
        s = s.replace(v, "＊＊＊")
    norm = unicodedata.normalize("NFKC", s)
    if norm != s and any(ch.isdigit() for ch in s):
        s = norm if len(norm) == len(s) else s

    def _num(m: re.Match[str]) -> str:
        d = re.sub(r"\D", "", m.group(0))
        if len(d) == 12 and _my_number_ok(d):
            return "[個人番号]"
        if len(d) == 13 and _corporate_ok(d):
            return "[法人番号]"
        return m.group(0)

    s = _DIGITS12_13.sub(_num, s)
    s = _EMAIL.sub("[メール]", s)
    s = _PHONE.sub("[電話番号]", s)
    s = _POSTAL.sub("[郵便番号]", s)
    return s


__all__ = ["mask_text", "register_secret"]

"""Personal data recognised by its shape: マイナンバー/法人番号 (check digits), phone, e-mail, postal code.

Numbers of 12/13 digits are masked only when their check digit is right, so amounts, receipt
and invoice numbers stay readable in logs; the other patterns are masked on shape alone
because a false positive (an over-masked log line) costs far less than a leak.
"""

from __future__ import annotations

import re

from stdnum.jp import cn, in_

_DIGITS12_13 = re.compile(r"(?<!\d)(\d{4}[ -]?\d{4}[ -]?\d{4}|\d{13})(?!\d)", re.ASCII)
_PHONE = re.compile(r"(?<!\d)(0\d{1,4}[-(（ ]\d{1,4}[-)） ]\d{3,4}|0[5789]0\d{8}|0\d{9})(?!\d)", re.ASCII)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_POSTAL = re.compile(r"(〒\s*\d{3}-?\d{4}|(?<![\d-])\d{3}-\d{4}(?![\d-]))", re.ASCII)
_FW = str.maketrans("０１２３４５６７８９－‐−", "0123456789---")
_FW_CHARS = re.compile("[０-９－‐−]")
_ANY_DIGIT = re.compile(r"[0-9]")
# Hex digests and IDs (sha256=…, run IDs): 16+ lowercase hex characters with at least one letter.
# Their digit runs look like phone numbers (a09012345678bcde) but are not personal data, and an
# audit entry whose digest is masked can no longer show that a scenario changed.
_HEX = re.compile(r"(?<![0-9A-Za-z])((?=[0-9a-f]*[a-f])[0-9a-f]{16,})(?![0-9A-Za-z])")

MY_NUMBER = "[個人番号]"
CORPORATE_NUMBER = "[法人番号]"


def _my_number_ok(d: str) -> bool:
    return in_.is_valid(d)


def _corporate_ok(d: str) -> bool:
    return cn.is_valid(d)


def _number(m: re.Match[str]) -> str:
    d = m.group(0).replace(" ", "").replace("-", "")
    if len(d) == 12 and _my_number_ok(d):
        return MY_NUMBER
    if len(d) == 13 and _corporate_ok(d):
        return CORPORATE_NUMBER
    return m.group(0)


def mask_patterns(s: str) -> str:
    """Mask everything recognisable by shape. Full-width digits are read as ASCII digits."""
    if _FW_CHARS.search(s):
        s = s.translate(_FW)
    if "@" in s:
        s = _EMAIL.sub("[メール]", s)
    if _ANY_DIGIT.search(s) is None:
        return s
    if _HEX.search(s):  # mask around digests, never inside them (odd parts are the digests)
        return "".join(p if i % 2 else _mask_numbers(p) for i, p in enumerate(_HEX.split(s)))
    return _mask_numbers(s)


def _mask_numbers(s: str) -> str:
    s = _DIGITS12_13.sub(_number, s)
    s = _PHONE.sub("[電話番号]", s)
    return _POSTAL.sub("[郵便番号]", s)

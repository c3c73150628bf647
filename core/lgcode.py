"""全国地方公共団体コード (the 6-digit local government code): its check digit, defined once."""

from __future__ import annotations


def lg_code_check_digit(first5: str) -> str:
    """Check digit of a 全国地方公共団体コード: 11 − (Σ digit×weight 6..2 mod 11), last digit only.

    (remainder 0 → 1, remainder 1 → 0, as in 総務省's definition; e.g. 35202 → 1 for 宇部市 352021)
    """
    if len(first5) != 5 or not first5.isdigit():
        raise ValueError("5 digits expected")
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def lg_code_valid(code: str) -> bool:
    """A 6-digit code whose last digit is the check digit of the first five (e.g. 352063 防府市)."""
    return len(code) == 6 and code.isdigit() and lg_code_check_digit(code[:5]) == code[5]

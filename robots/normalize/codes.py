"""Check digits of Japanese public identifiers (python-stdnum where it has them).

- 全国地方公共団体コード: 5 digits + check digit (weights 6..2, mod 11).
- 法人番号 (corporate number): 13 digits, check digit first (stdnum.jp.cn).
- マイナンバー (個人番号): 12 digits, check digit last (stdnum.jp.in_).
"""

from __future__ import annotations

from kyodo.core.text import digits_only


def lg_code_check_digit(first5: str) -> str:
    """Check digit of a 全国地方公共団体コード: 11 − (Σ digit×weight 6..2 mod 11), last digit only.

    (remainder 0 → 1, remainder 1 → 0, as in 総務省's definition; e.g. 35202 → 1 for 宇部市 352021)
    """
    if len(first5) != 5 or not first5.isdigit():
        raise ValueError("5 digits expected")
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def is_valid_lg_code(value: object) -> bool:
    """全国地方公共団体コード (6 digits with check digit, e.g. 352063 防府市)."""
    code = digits_only(value)
    return len(code) == 6 and lg_code_check_digit(code[:5]) == code[5]


def is_valid_corporate_number(value: object) -> bool:
    """法人番号 (13 digits)."""
    from stdnum.jp import cn

    return cn.is_valid(digits_only(value))


def is_valid_my_number(value: object) -> bool:
    """マイナンバー (12 digits)."""
    from stdnum.jp import in_

    return in_.is_valid(digits_only(value))


def my_number_check_digit(first11: str) -> str:
    """The check digit for 11 digits (used to generate valid demo numbers)."""
    from stdnum.jp import in_

    return in_.calc_check_digit(first11)

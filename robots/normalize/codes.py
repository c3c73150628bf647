"""Check digits of Japanese public identifiers (python-stdnum where it has them).

- 全国地方公共団体コード: 5 digits + check digit (weights 6..2, mod 11).
- 法人番号 (corporate number): 13 digits, check digit first (stdnum.jp.cn).
- マイナンバー (個人番号): 12 digits, check digit last (stdnum.jp.in_).
"""

from __future__ import annotations

from stdnum.jp import cn, in_

from kyodo.core.lgcode import lg_code_valid
from kyodo.core.text import digits_only


def is_valid_lg_code(value: object) -> bool:
    """全国地方公共団体コード (6 digits with check digit, e.g. 352063 防府市)."""
    return lg_code_valid(digits_only(value))


def is_valid_corporate_number(value: object) -> bool:
    """法人番号 (13 digits)."""
    return cn.is_valid(digits_only(value))


def is_valid_my_number(value: object) -> bool:
    """マイナンバー (12 digits)."""
    return in_.is_valid(digits_only(value))


def my_number_check_digit(first11: str) -> str:
    """The check digit for 11 digits (used to generate valid demo numbers)."""
    return in_.calc_check_digit(first11)

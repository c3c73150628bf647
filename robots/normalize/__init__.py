"""Normalising messy Japanese business data on purpose, used by every robot that reads it.

- :func:`normalize_text` — NFKC with hyphens unified and 〜 kept; :func:`to_fullwidth_kana`.
- :func:`parse_date` — 和暦 and Western dates, Excel serials, era boundaries checked;
  :func:`to_wareki`, :func:`fiscal_year` (年度), :func:`resolve_yymmdd`, :func:`resolve_mmdd`.
- :func:`parse_yen` — ¥1,234 / 1,234円 / △500 → int.
- :func:`is_valid_lg_code`, :func:`is_valid_corporate_number`, :func:`is_valid_my_number`.
- :func:`normalize_frame` — the same for whole DataFrame columns, with row-located errors.
"""

from robots.normalize.codes import (
    is_valid_corporate_number,
    is_valid_lg_code,
    is_valid_my_number,
    my_number_check_digit,
)
from robots.normalize.frame import normalize_frame
from robots.normalize.money import AmountError, parse_yen
from robots.normalize.text import digits_only, normalize_text, to_fullwidth_kana, to_halfwidth_kana
from robots.normalize.wareki import (
    WarekiError,
    fiscal_year,
    parse_date,
    resolve_mmdd,
    resolve_yymmdd,
    to_wareki,
)

__all__ = [
    "AmountError", "WarekiError", "digits_only", "fiscal_year", "is_valid_corporate_number", "is_valid_lg_code",
    "is_valid_my_number", "my_number_check_digit", "normalize_frame", "normalize_text", "parse_date", "parse_yen",
    "resolve_mmdd", "resolve_yymmdd", "to_fullwidth_kana", "to_halfwidth_kana", "to_wareki",
]

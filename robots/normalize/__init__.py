"""Normalising messy Japanese business data on purpose; every robot that reads such data uses it.

Public names (stable: OCR, browser/CSV, FAQ and privacy robots import them):

Text
- ``normalize_text(value) -> str`` — NFKC (full-width digits/letters → ASCII, half-width kana →
  full-width) with the known exceptions on purpose: ``−‐－‒–`` → ``-``, ``～〜`` kept as ``〜``
  (a range, not ASCII ``~``), ``ー`` between digits → ``-``, spaces collapsed, trimmed.
- ``normalize_series(series)`` — the same, vectorised for a pandas Series (one shared list of steps).
- ``normalize_header(value) -> str`` — a column name as readers compare it: ``normalize_text`` with every
  space and line break removed (``期　別`` → ``期別``); Excel ledgers and CSV files use the same rule.
- ``to_halfwidth_kana`` / ``to_fullwidth_kana`` (jaconv), ``digits_only``.

Dates (raise ``WarekiError``, a ``ValueError`` with a Japanese message)
- ``parse_date(value) -> date`` — 和暦 (``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``R06.04.01``,
  ``H31.4.30``, ``㍻31.4.30``), Western (``2024/4/1``, ``2024-04-01``, ``2024年4月1日``, ``20240401``),
  Excel serials (also from cells with era number formats), ``date``/``datetime``.
- ``era_date(era, y, m, d)`` — one 和暦 date, refused outside its era.
- ``from_excel_serial(n)`` — 1900 date system including its fake 1900-02-29.
- Era boundaries are exact: ``平成31年5月1日`` and ``昭和64年1月8日`` are errors.
- ``to_wareki(date, short=False)`` → ``令和6年4月1日`` / ``R6.4.1``.
- ``fiscal_year(value) -> int`` — 年度 (April–March, named by its starting year) of a date.
- ``parse_nendo(value) -> int`` — a 年度 label (``令和6年度``, ``R6``, ``H31年度``, ``2024``) → 2024.
- ``resolve_yymmdd`` / ``resolve_mmdd`` — year-less or 2-digit-era dates of bank files
  (``year_style="seireki"`` for 西暦 YYMMDD); blank or impossible dates raise ``WarekiError``.

Date-times and form dates (``kyodo.robots.normalize.datetimes``)
- ``parse_datetime(value) -> datetime`` — ``2024/04/01 9:30``, ``R6.4.1 09:30``, ``令和6年4月15日（月）``,
  ``令和6年4月1日 9時30分``, ISO ``2024-04-01T09:30``; full-width digits; midnight when no time is given.
- ``format_date(value, fmt)`` — a date as a portal's form wants it: ``iso``, ``wareki``, ``wareki_short``,
  ``wareki_padded`` or a ``yyyy/mm/dd``-style pattern.

Read options (``kyodo.robots.normalize.columns``)
- ``ReadOptions`` / ``apply_read_options(df, options, where=)`` — header normalisation, renames, required
  columns, half-width → full-width katakana, number-like columns to ASCII, 和暦 date-times, status
  mapping, date range; shared by ``excel.read_csv`` and ``normalize.table``.

Amounts (raise ``AmountError``)
- ``parse_yen(value) -> int`` — ``¥1,234``, ``1,234円``, ``１，２３４``, ``△500``/``▲500``/``-500``/``(500)``
  negative.

Identifiers (``bool``, never raise)
- ``is_valid_lg_code`` — 全国地方公共団体コード (6 digits, check digit last); ``lg_code_check_digit``.
- ``is_valid_corporate_number`` — 法人番号 (13 digits, stdnum.jp.cn).
- ``is_valid_my_number`` — マイナンバー (12 digits, stdnum.jp.in_); ``my_number_check_digit``.

Frames
- ``normalize_frame(df, text_columns=, date_columns=, amount_columns=, where=, row_offset=)`` — whole
  columns at once; a bad value raises ``robots.BusinessError`` naming file, row and column.
"""

from kyodo.core.lgcode import lg_code_check_digit
from kyodo.core.text import (
    digits_only,
    normalize_header,
    normalize_text,
    to_fullwidth_kana,
    to_halfwidth_kana,
)
from kyodo.robots.normalize.codes import (
    is_valid_corporate_number,
    is_valid_lg_code,
    is_valid_my_number,
    my_number_check_digit,
)
from kyodo.robots.normalize.datetimes import format_date, parse_datetime
from kyodo.robots.normalize.frame import normalize_frame, normalize_series
from kyodo.robots.normalize.money import AmountError, parse_yen
from kyodo.robots.normalize.nendo import parse_nendo
from kyodo.robots.normalize.wareki import (
    WarekiError,
    era_date,
    fiscal_year,
    from_excel_serial,
    parse_date,
    resolve_mmdd,
    resolve_yymmdd,
    to_wareki,
)

__all__ = [
    "AmountError", "WarekiError", "digits_only", "era_date", "fiscal_year", "format_date", "from_excel_serial",
    "is_valid_corporate_number", "is_valid_lg_code", "is_valid_my_number", "lg_code_check_digit",
    "my_number_check_digit", "normalize_frame", "normalize_header", "normalize_series", "normalize_text", "parse_date",
    "parse_datetime",
    "parse_nendo", "parse_yen", "resolve_mmdd", "resolve_yymmdd", "to_fullwidth_kana", "to_halfwidth_kana", "to_wareki",
]

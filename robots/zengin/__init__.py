"""全銀協 fixed-length bank files: 口座振替結果 (91, 120 bytes) and 振込入金通知 (01, 200 bytes).

- :func:`parse_zengin` / :func:`read_zengin` — records checked, trailer totals checked, dates
  resolved (rule in :mod:`kyodo.robots.zengin.parser`), half-width kana shown full-width.
- :func:`write_zengin` — files for tests and demos (deterministic), trailer totals computed.
- :func:`is_paid` / :func:`trailer_totals` — which records are money received; the trailer they add up to.
- :data:`RESULT_CODES` — 振替結果コード → Japanese meaning; :class:`DebitResult` / :func:`debit_result` —
  the seven groups a clerk acts on (振替済, 資金不足, 取引なし, 預金者の申出, 依頼書なし, 委託者の申出, その他)
  and :data:`REDEBIT`, whether a failed debit is a 再振替候補.
"""

from kyodo.robots.zengin.layouts import (
    FURIKAE,
    LAYOUTS,
    NYUKIN,
    REDEBIT,
    RESULT_CODES,
    DebitResult,
    debit_result,
    is_paid,
    trailer_totals,
)
from kyodo.robots.zengin.parser import ZenginFile, ZenginGroup, parse_zengin, read_zengin
from kyodo.robots.zengin.writer import write_zengin

__all__ = [
    "FURIKAE",
    "LAYOUTS",
    "NYUKIN",
    "REDEBIT",
    "RESULT_CODES",
    "DebitResult",
    "ZenginFile",
    "ZenginGroup",
    "debit_result",
    "is_paid",
    "parse_zengin",
    "read_zengin",
    "trailer_totals",
    "write_zengin",
]

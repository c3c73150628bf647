"""Reconcile robot: 調定 vs 収納 matching, vectorised, and never a silent success.

- :mod:`~kyodo.robots.reconcile.match` — :func:`reconcile` (one row per key, 区分), :func:`explain_unassessed`
  (why a payment has no assessment), :func:`summarize`.
- :mod:`~kyodo.robots.reconcile.checks` — plausibility checks after matching (match-rate floor, 0 matched
  fails, totals vs 全銀 trailers and the ledger footer) and :func:`diagnose` (key width, 年度, 税目).
- :mod:`~kyodo.robots.reconcile.payments` — 全銀 records (paid, 振替不能, cancelled) as a keyed table.
- :mod:`~kyodo.robots.reconcile.outcome` — what the report states: checks, 振替結果 summary, 再振替候補.
- :mod:`~kyodo.robots.reconcile.report` / :mod:`~kyodo.robots.reconcile.template` — the result workbook in the template.
- :mod:`~kyodo.robots.reconcile.demo_data` — ledgers of four fictional 基幹 vendors and matching 全銀 files.
"""

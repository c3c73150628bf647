"""Helpers for the profile tests: workbook rows, and each demo product's own data to count against."""

from __future__ import annotations

from collections import Counter

from kyodo.runner.demo.portal.data import applications_for


def sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] in ("自治体", "受付番号"))
    return [dict(zip(rows[at], r)) for r in rows[at + 1:]]


def summary_of(wb) -> dict[tuple[str, str], dict]:
    return {(r["自治体"], r["手続名"]): r for r in sheet_rows(wb["集計"]) if r["自治体"] != "合計"}


def expected_counts(code: str, name: str, keep=lambda a: True) -> Counter:
    """(手続, 状態) → count, from the portal's own records (the standard status words)."""
    return Counter((a.procedure, a.status) for a in applications_for(code, name) if keep(a))

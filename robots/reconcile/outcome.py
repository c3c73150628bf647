"""What ``reconcile.match`` hands to ``reconcile.write_report``: the table plus everything the 集計 sheet states.

Keeping the checks, the bank-file summary and the failed debits next to the table (rather than
recomputing them in the writer) means the report shows exactly what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kyodo.robots.reconcile.checks import Check
from kyodo.robots.zengin.layouts import REDEBIT, DebitResult

FAILED_COLUMNS = ["名義", "金額", "結果", "振替結果コード", "収納日", "ファイル", "行", "区分", "再振替"]


@dataclass
class Reconciliation:
    """One row per key (``table``) and the report's other sections."""

    table: Any
    failed_debits: Any
    debit_summary: Any
    files: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def __str__(self) -> str:
        return f"照合結果 {len(self.table)} 件"


def failed_debits(payments: Any, result: Any, keys: list[str]) -> Any:
    """振替不能 records with their reason, the key's final 区分, and whether to debit again (再振替候補)."""
    if "入金" not in payments.columns:
        return pd.DataFrame(columns=[*keys, *FAILED_COLUMNS])
    f = payments[~payments["入金"].astype(bool) & (payments["収納経路"] == "口座振替")]
    f = f[[*keys, *[c for c in FAILED_COLUMNS if c in f.columns]]]
    status = result[[*keys, "区分"]].astype({k: str for k in keys})
    f = f.astype({k: str for k in keys}).merge(status, on=keys, how="left")
    cls = f["区分"].astype(object)
    redebit = f["結果"].map(lambda r: REDEBIT.get(DebitResult(r), "再振替候補") if r in DebitResult._value2member_map_ else "再振替候補")
    f["再振替"] = redebit.where(cls.isin(["未納", "一部納付"]), "不要（その後に収納済）")
    f.loc[cls.isna() | (cls == "収納のみ"), "再振替"] = "調定なし（照合キーを確認）"
    f["区分"] = cls.fillna("調定なし")
    return f.reset_index(drop=True)


def debit_summary(payments: Any) -> Any:
    """件数・金額 per 振替結果 group (all seven listed, zero when absent) and a 合計 row; 口座振替 only."""
    order = [r.value for r in DebitResult]
    if "結果" in payments.columns:
        d = payments[payments["収納経路"] == "口座振替"]
        g = d.groupby("結果").agg(件数=("金額", "size"), 金額=("金額", "sum")).reindex(order, fill_value=0)
    else:
        g = pd.DataFrame({"件数": 0, "金額": 0}, index=order)
    g = g.reset_index(names="振替結果")
    total = pd.DataFrame([{"振替結果": "合計", "件数": int(g["件数"].sum()), "金額": int(g["金額"].sum())}])
    return pd.concat([g, total], ignore_index=True).astype({"件数": "int64", "金額": "int64"})

"""調定 vs 収納: match assessments to payments on configurable keys, classify every row.

Vectorised pandas (groupby + one outer join + numpy.select): no Python loop over rows, so a
million assessments against a million payments take seconds, not hours.
"""

from __future__ import annotations

from typing import Any

from robots.errors import BusinessError

CLASSES = ("完納", "一部納付", "過誤納", "重複納付", "未納", "収納のみ")
FOLLOW_UP = ("未納", "一部納付", "過誤納", "重複納付", "収納のみ")


def _require(df: Any, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise BusinessError(f"{what}に列「{'」「'.join(missing)}」がありません。",
                            hint=f"{what}の列: {', '.join(map(str, df.columns))}（列名の対応を設定してください）")


def reconcile(
    assessments: Any,
    payments: Any,
    keys: list[str],
    *,
    assessed_column: str = "調定額",
    paid_column: str = "収納額",
) -> Any:
    """One row per key with 調定額, 収納額, 収納件数, 差額 and 区分 (see :data:`CLASSES`).

    - 完納: paid exactly the assessment (split payments included)
    - 一部納付: paid less; 未納: nothing paid
    - 過誤納: a single payment larger than the assessment
    - 重複納付: several payments adding up to more than the assessment
    - 収納のみ: a payment with no matching assessment
    Other assessment columns (氏名, 納期限 …) are carried along.
    """
    import numpy as np
    import pandas as pd

    _require(assessments, [*keys, assessed_column], "調定データ")
    _require(payments, [*keys, paid_column], "収納データ")
    a = assessments
    dup = a.duplicated(keys, keep=False)
    if dup.any():
        first = a.loc[dup, keys].iloc[0].tolist()
        raise BusinessError(f"調定データでキー（{'・'.join(keys)}）が重複しています: {first}（{int(dup.sum())} 行）",
                            hint="同じ期別の調定が2行ないか確認してください。")
    p = payments.groupby(keys, sort=False, observed=True, dropna=False)[paid_column].agg(["sum", "count"])
    p.columns = [paid_column, "収納件数"]
    merged = a.merge(p, how="outer", left_on=keys, right_index=True, indicator=True, sort=False)
    assessed = merged[assessed_column].astype("float64").to_numpy()
    paid = merged[paid_column].astype("float64").fillna(0).to_numpy()
    count = merged["収納件数"].fillna(0).astype("int64").to_numpy()
    only_pay = (merged["_merge"] == "right_only").to_numpy()
    merged = merged.drop(columns="_merge")
    conditions = [only_pay, paid == 0, paid == assessed, paid < assessed, count > 1]
    merged["区分"] = np.select(conditions, ["収納のみ", "未納", "完納", "一部納付", "重複納付"], default="過誤納")
    merged[paid_column] = paid.astype("int64")
    merged["収納件数"] = count
    merged[assessed_column] = merged[assessed_column].astype("Int64")
    merged["差額"] = (paid - np.nan_to_num(assessed)).astype("int64")
    merged["区分"] = pd.Categorical(merged["区分"], categories=CLASSES)
    return merged.reset_index(drop=True)


def summarize(result: Any, *, assessed_column: str = "調定額", paid_column: str = "収納額") -> Any:
    """Counts and amounts per 区分 (all classes listed, zero when absent), plus a total row."""
    import pandas as pd

    g = result.groupby("区分", observed=False).agg(件数=("区分", "size"), 調定額=(assessed_column, "sum"),
                                                   収納額=(paid_column, "sum"), 差額=("差額", "sum"))
    g = g.reindex(list(CLASSES), fill_value=0).reset_index()
    total = pd.DataFrame([{"区分": "合計", "件数": int(g["件数"].sum()), "調定額": int(g["調定額"].sum()),
                           "収納額": int(g["収納額"].sum()), "差額": int(g["差額"].sum())}])
    out = pd.concat([g.astype({"区分": str}), total], ignore_index=True)
    return out.astype({"件数": "int64", "調定額": "int64", "収納額": "int64", "差額": "int64"})

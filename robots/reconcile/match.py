"""調定 vs 収納: match assessments to payments on configurable keys, classify every row.

Vectorised pandas (groupby + one outer join + numpy.select): no Python loop over rows, so a
million assessments against a million payments take seconds, not hours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kyodo.core.errors import BusinessError

CLASSES = ("完納", "一部納付", "過誤納", "重複納付", "未納", "収納のみ")
FOLLOW_UP = ("未納", "一部納付", "過誤納", "重複納付", "収納のみ")


def _require(df: Any, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise BusinessError(f"{what}に列「{'」「'.join(missing)}」がありません。",
                            hint=f"{what}の列: {', '.join(map(str, df.columns))}（列名の対応を設定してください）")


def _composite_key(a: Any, p: Any, keys: list[str]) -> tuple[Any, Any, Any]:
    """One int64 per key tuple, the same on both sides, and a decoder back to the key values.

    Each key column is factorised once over both tables; joining and grouping on one integer is
    several times faster than on four text columns (see ``bench/bench_reconcile.py``).
    """
    codes, uniques = [], []
    for k in keys:
        c, u = pd.factorize(pd.concat([a[k], p[k]], ignore_index=True), use_na_sentinel=False)
        codes.append(c.astype(np.int64))
        uniques.append(u)
    sizes = [max(1, len(u)) for u in uniques]
    if float(np.prod([float(n) for n in sizes])) >= 2.0**62:
        raise BusinessError("照合キーの組み合わせが多すぎます。", hint="キーの列の指定を確認してください。")
    comp = np.zeros(len(a) + len(p), dtype=np.int64)
    for c, n in zip(codes, sizes):
        comp = comp * n + c

    def decode(values: Any) -> list[Any]:
        out = []
        for u, n in zip(reversed(uniques), reversed(sizes)):
            out.append(np.asarray(u, dtype=object)[values % n])
            values = values // n
        return out[::-1]

    return comp[: len(a)], comp[len(a):], decode


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
    _require(assessments, [*keys, assessed_column], "調定データ")
    _require(payments, [*keys, paid_column], "収納データ")
    a = assessments
    if "入金" in payments.columns:  # 振替不能 and cancellations are records, not money
        payments = payments[payments["入金"].astype(bool).to_numpy()]
    key_a, key_p, decode = _composite_key(a, payments, keys)
    dup = pd.Series(key_a).duplicated(keep=False).to_numpy()
    if dup.any():
        first = a.loc[dup, keys].iloc[0].tolist()
        raise BusinessError(f"調定データでキー（{'・'.join(keys)}）が重複しています: {first}（{int(dup.sum())} 行）",
                            hint="同じ期別の調定が2行ないか確認してください。")
    g = payments[paid_column].groupby(key_p, sort=False)
    p = g.agg(["sum", "count"])
    p.columns = [paid_column, "収納件数"]
    if "名義" in payments.columns:  # the bank's name for a payment nobody assessed: the clerk's only lead
        p["名義"] = payments["名義"].groupby(key_p, sort=False).first()
    merged = a.assign(_key=key_a).merge(p, how="outer", left_on="_key", right_index=True, indicator=True, sort=False)
    only = (merged["_merge"] == "right_only").to_numpy()
    if only.any():  # payments nobody assessed: their key columns come from the composite key
        for k, values in zip(keys, decode(merged["_key"].to_numpy()[only].astype("int64"))):
            merged[k] = merged[k].astype(object)
            merged.loc[only, k] = values
    merged = merged.drop(columns="_key")
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


def explain_unassessed(result: Any, assessments: Any, keys: list[str], note: str = "確認事項") -> Any:
    """Say why each 収納のみ row has no assessment: the first key (from the left) the ledger does not know.

    ``台帳にない宛名番号`` (unknown payer or a key-width problem), ``台帳にない年度（2023）`` (a payment
    for another year), ``この宛名番号・年度に調定のない税目（02）``, ``調定のない期別（05）``.
    Values of the first key (宛名番号: personal) are never written into the note.
    """
    only = (result["区分"] == "収納のみ").to_numpy()
    if note not in result.columns:
        result[note] = ""
    if not only.any():
        return result
    reason = pd.Series("", index=result.index[only], dtype=object)
    rows = result.loc[only, keys]
    # Only assessments of the same first key can explain a row: a small subset even for a million rows.
    near = assessments.loc[assessments[keys[0]].isin(rows[keys[0]].unique()), keys]
    for depth in range(1, len(keys) + 1):
        known = pd.MultiIndex.from_frame(near[keys[:depth]].astype(str).drop_duplicates())
        here = pd.MultiIndex.from_frame(rows[keys[:depth]].astype(str))
        missing = ~here.isin(known) & (reason == "").to_numpy()
        if depth == 1:
            text = pd.Series(f"台帳にない{keys[0]}", index=reason.index)
        else:
            head = "・".join(keys[1:depth - 1])
            text = (f"この{keys[0]}{'・' + head if head else ''}に調定のない{keys[depth - 1]}（"
                    + rows[keys[depth - 1]].astype(str) + "）")
            if depth == 2:
                text = f"台帳にない{keys[1]}（" + rows[keys[1]].astype(str) + "）"
        reason[missing] = text[missing]
    old = result.loc[only, note].fillna("").astype(str)
    result.loc[only, note] = ("収納のみ: " + reason).where(old == "", old + "／収納のみ: " + reason)
    return result


def summarize(result: Any, *, assessed_column: str = "調定額", paid_column: str = "収納額") -> Any:
    """Counts and amounts per 区分 (all classes listed, zero when absent), plus a total row."""
    g = result.groupby("区分", observed=False).agg(件数=("区分", "size"), 調定額=(assessed_column, "sum"),
                                                   収納額=(paid_column, "sum"), 差額=("差額", "sum"))
    g = g.reindex(list(CLASSES), fill_value=0).reset_index()
    total = pd.DataFrame([{"区分": "合計", "件数": int(g["件数"].sum()), "調定額": int(g["調定額"].sum()),
                           "収納額": int(g["収納額"].sum()), "差額": int(g["差額"].sum())}])
    out = pd.concat([g.astype({"区分": str}), total], ignore_index=True)
    return out.astype({"件数": "int64", "調定額": "int64", "収納額": "int64", "差額": "int64"})

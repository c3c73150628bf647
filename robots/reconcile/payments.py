"""From parsed 全銀 files to a payments table keyed like the assessments.

The bank files carry the municipality's own reference in a free field (口座振替: 顧客番号,
振込入金通知: EDI情報). ``key_layout`` says which characters hold which key, e.g.
``{宛名番号: [0, 10], 年度: [10, 14], 税目: [14, 16], 期別: [16, 18]}`` — configured per
municipality in the scenario's parameters, not in code.
"""

from __future__ import annotations

from typing import Any

from robots.errors import BusinessError
from robots.zengin.layouts import PAID_CODE
from robots.zengin.parser import ZenginFile


def payments_frame(files: list[ZenginFile], key_layout: dict[str, list[int]], paid_column: str = "収納額") -> Any:
    """One row per actual payment: keys, 収納額, 収納日, 収納経路, ファイル, 行 (failed debits and cancellations excluded)."""
    import pandas as pd

    frames = []
    for zf in files:
        if not zf.rows:
            continue
        df = pd.DataFrame(zf.rows)
        if zf.layout.kind == "91":
            df = df[df["振替結果コード"] == PAID_CODE]
            ref, amount, day, route = df["顧客番号"], df["引落金額"], df["引落日"], "口座振替"
        else:
            df = df[df["取消区分"].isin(["", "0"])]
            ref, amount, day, route = df["EDI情報"], df["金額"], df["勘定日"], "振込"
        out = pd.DataFrame({"_ref": ref.astype(str).str.strip()})
        for key, (start, end) in key_layout.items():
            out[key] = out["_ref"].str.slice(start, end)
        out[paid_column] = amount.astype("int64").to_numpy()
        out["収納日"] = day.to_numpy()
        out["収納経路"] = route
        out["ファイル"] = zf.name
        out["行"] = df["行"].to_numpy()
        bad = out["_ref"].str.len() < max(e for _, e in key_layout.values())
        if bad.any():
            row = out.loc[bad].iloc[0]
            raise BusinessError(f"照合キーの桁数が足りません（「{row['_ref']}」）。", where=f"{zf.name} {row['行']} 行目",
                                hint="key_layout（顧客番号・EDI情報のどの桁が何か）を確認してください。")
        frames.append(out.drop(columns="_ref"))
    if not frames:
        return pd.DataFrame(columns=[*key_layout, paid_column, "収納日", "収納経路", "ファイル", "行"])
    return pd.concat(frames, ignore_index=True)

"""From parsed 全銀 files to a payments table keyed like the assessments.

The bank files carry the municipality's own reference in a free field (口座振替: 顧客番号,
振込入金通知: EDI情報). ``key_layout`` says which characters hold which key, e.g.
``{宛名番号: [0, 10], 年度: [10, 14], 税目: [14, 16], 期別: [16, 18]}`` — configured per
municipality in the scenario's parameters, not in code.

Every data record becomes a row, failed debits (振替不能) and cancellations included, with
``入金`` telling money received from the rest: a clerk must see a 資金不足 as such, not as
"nothing came". :func:`file_summary` is the per-file view for the report (名前, 引落日, trailer).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots.zengin.layouts import PAID_CODE, debit_result, is_paid, trailer_totals
from kyodo.robots.zengin.parser import ZenginFile

PAID = "入金"  # bool column: money actually received
RESULT = "結果"  # 振替済 / 資金不足 / … / 振込 / 取消
PAYER = "名義"  # the account holder / remitter as the bank wrote it (personal)
COLUMNS = ["収納額", "金額", PAID, RESULT, "振替結果コード", PAYER, "収納日", "収納経路", "ファイル", "行", "照合キー"]


def _one_file(zf: ZenginFile, key_layout: dict[str, list[int]], paid_column: str) -> Any:
    df = pd.DataFrame(zf.rows)
    if zf.layout.kind == "91":
        code = df["振替結果コード"].astype(str)
        paid = (code == PAID_CODE).to_numpy()
        result = code.map(lambda c: debit_result(c).value)
        ref, amount, day, route, payer = df["顧客番号"], df["引落金額"], df["引落日"], "口座振替", df["預金者名"]
    else:
        paid = df["取消区分"].isin(["", "0"]).to_numpy()
        result = pd.Series(["振込" if p else "取消" for p in paid])
        code = pd.Series([""] * len(df))
        ref, amount, day, route, payer = df["EDI情報"], df["金額"], df["勘定日"], "振込", df["振込依頼人名"]
    out = pd.DataFrame({"照合キー": ref.astype(str).str.strip()})
    for key, (start, end) in key_layout.items():
        out[key] = out["照合キー"].str.slice(start, end)
    amount = amount.astype("int64").to_numpy()
    out["金額"] = amount
    out[paid_column] = amount * paid
    out[PAID] = paid
    out[RESULT] = result.to_numpy()
    out["振替結果コード"] = code.to_numpy()
    out[PAYER] = payer.to_numpy()
    out["収納日"] = day.to_numpy()
    out["収納経路"] = route
    out["ファイル"] = zf.name
    out["行"] = df["行"].to_numpy()
    need = max(e for _, e in key_layout.values())
    bad = paid & (out["照合キー"].str.len() < need).to_numpy()
    if bad.any():
        row = out.loc[bad].iloc[0]
        raise BusinessError(f"照合キーの桁数が足りません（{len(row['照合キー'])} 桁、設定では {need} 桁必要）。",
                            where=f"{zf.name} {row['行']} 行目",
                            hint=f"key_layout（顧客番号・EDI情報のどの桁が何か）と key_widths を確認してください。"
                                 f"この行の照合キーは「{row['照合キー'][:2]}{'*' * max(0, len(row['照合キー']) - 2)}」"
                                 f"（{len(row['照合キー'])} 桁）です。宛名番号の桁数が設定と違うことがよくあります。")
    return out


def payments_frame(files: list[ZenginFile], key_layout: dict[str, list[int]], paid_column: str = "収納額") -> Any:
    """One row per data record: keys, 収納額 (0 unless 入金), 金額, 入金, 結果, 名義, 収納日, 収納経路, ファイル, 行."""
    if not key_layout:
        raise BusinessError("key_layout が空です。", hint="例: {宛名番号: [0, 10], 年度: [10, 14], 税目: [14, 16], 期別: [16, 18]}")
    frames = [_one_file(zf, key_layout, paid_column) for zf in files if zf.rows]
    if not frames:
        return pd.DataFrame(columns=[*key_layout, *COLUMNS])
    return pd.concat(frames, ignore_index=True)


def file_summary(files: list[ZenginFile]) -> list[dict[str, Any]]:
    """Per file: 種類, 日付 (引落日 / 勘定日の範囲), 件数・金額 (入金 and not), and the trailer cross-check."""
    out = []
    for zf in files:
        kind = zf.layout.kind
        rows = zf.rows
        done = [r for r in rows if is_paid(r, kind)]
        amount_key = "引落金額" if kind == "91" else "金額"
        if kind == "91":
            day = "・".join(sorted({g.header["引落日"].isoformat() for g in zf.groups}))
        else:
            day = "〜".join(dict.fromkeys([zf.groups[0].header["勘定日自"].isoformat(), zf.groups[-1].header["勘定日至"].isoformat()]))
        agree = all(trailer_totals(kind, g.rows) == {k: g.trailer.get(k, 0) for k in trailer_totals(kind, g.rows)}
                    for g in zf.groups)
        out.append({"ファイル": zf.name, "種類": zf.layout.title, "日付": day, "件数": len(rows),
                    "入金件数": len(done), "入金額": sum(r[amount_key] for r in done),
                    "不能・取消件数": len(rows) - len(done), "不能・取消金額": sum(r[amount_key] for r in rows) - sum(r[amount_key] for r in done),
                    "トレーラー": "一致" if agree else "不一致"})
    return out

"""ワンストップ特例 applications matched to donations: name (or kana) + amount + address (or postal code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kyodo.robots.furusato.keys import address_similarity, kana_key, name_key, postal_key
from kyodo.robots.normalize import WarekiError, parse_date, parse_yen

ADDRESS_MIN = 0.8


def _amount(v: Any) -> int | None:
    try:
        return parse_yen(v)
    except (ValueError, TypeError):
        return None


def _date(v: Any) -> Any:
    try:
        return parse_date(v) if v not in (None, "") else None
    except (WarekiError, ValueError, TypeError):
        return None


def match(ledger: Any, apps: Any, each: Callable[[Iterable[dict[str, Any]]], Iterable[dict[str, Any]]] = iter
          ) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Per application its result row, and ledger index → 申請番号 for the donations it claimed.

    ``each`` wraps the loop over applications (``ctx.steps(...).each``: progress for people watching).
    """
    names = ledger["寄附者氏名"].map(name_key).tolist()
    kanas = ledger["寄附者カナ"].map(kana_key).tolist()
    claimed: dict[int, str] = {}
    results = []
    for app in each(apps.to_dict("records")):
        nk, kk = name_key(app.get("氏名")), kana_key(app.get("氏名カナ"))
        amount, when = _amount(app.get("寄附金額")), _date(app.get("寄附年月日"))
        by_name = [i for i in range(len(ledger)) if i not in claimed and ((nk and names[i] == nk) or (kk and kanas[i] == kk))]
        verdict, reason, best = "未突合", "氏名（カナ）が一致する寄附がありません", None
        same_amount = [i for i in by_name if ledger.at[i, "寄附金額"] == amount]
        if by_name and not same_amount:
            reason = f"氏名は一致しますが、金額 {amount or '?'} 円の寄附がありません"
        scored = []
        for i in same_amount:
            addr = address_similarity(app.get("住所"), ledger.at[i, "住所"])
            postal = postal_key(app.get("郵便番号")) and postal_key(app.get("郵便番号")) == postal_key(ledger.at[i, "郵便番号"])
            if addr >= ADDRESS_MIN or postal:
                scored.append((when is not None and ledger.at[i, "寄附日"] == when, addr, -i, i))
        if same_amount and not scored:
            reason = "氏名・金額は一致しますが、住所・郵便番号が一致しません（転居の可能性）"
        if scored:
            best = max(scored)[3]
            claimed[best] = str(app.get("申請番号", ""))
            by_kana = names[best] != nk
            verdict, reason = ("一致（カナで照合）" if by_kana else "一致"), ""
        row = {"申請番号": app.get("申請番号"), "氏名": app.get("氏名"), "寄附金額": amount, "判定": verdict, "理由": reason}
        if best is not None:
            row |= {"受付番号": ledger.at[best, "受付番号"], "ポータル": ledger.at[best, "ポータル"], "寄附ID": ledger.at[best, "寄附ID"]}
        results.append(row)
    return results, claimed

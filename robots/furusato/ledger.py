"""One 寄附台帳 from the rows of several portals: values checked, duplicates refused, numbered."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots.furusato.keys import postal_key
from kyodo.robots.normalize import (
    AmountError,
    WarekiError,
    fiscal_year,
    normalize_text,
    parse_date,
    parse_yen,
    to_wareki,
)

COLUMNS = ["ポータル", "寄附ID", "寄附日", "寄附者氏名", "寄附者カナ", "郵便番号", "住所", "寄附金額", "ワンストップ希望"]
YES = {"希望する", "希望", "有", "あり", "○", "〇", "1", "true", "はい", "要"}
MAX_AMOUNT = 100_000_000


def _where(row: dict[str, Any], pos: int) -> str:
    return f"{row.get('ポータル') or ''} {pos + 1} 件目（寄附ID {row.get('寄附ID')}）"


def clean_row(row: dict[str, Any], pos: int) -> dict[str, Any]:
    """One donation with its date, amount, postal code and one-stop wish normalised; errors name the row."""
    try:
        when = parse_date(row["寄附日"])
    except (WarekiError, ValueError, TypeError) as exc:
        raise BusinessError(f"寄附日「{row['寄附日']}」を読めません: {exc}", where=_where(row, pos)) from None
    try:
        amount = parse_yen(row["寄附金額"])
    except (AmountError, ValueError, TypeError) as exc:
        raise BusinessError(f"寄附金額「{row['寄附金額']}」を読めません: {exc}", where=_where(row, pos)) from None
    if not 0 < amount <= MAX_AMOUNT:
        raise BusinessError(f"寄附金額 {amount:,} 円はありえない値です。", where=_where(row, pos))
    postal = postal_key(row.get("郵便番号"))
    if postal and len(postal) != 7:
        raise BusinessError(f"郵便番号「{row.get('郵便番号')}」が7桁ではありません。", where=_where(row, pos))
    if not normalize_text(row.get("寄附者氏名")):
        raise BusinessError("寄附者氏名が空です。", where=_where(row, pos))
    wish = normalize_text(row.get("ワンストップ希望")).lower() in YES
    return row | {"寄附日": when, "寄附金額": amount, "郵便番号": f"{postal[:3]}-{postal[3:]}" if postal else "",
                  "ワンストップ希望": "希望" if wish else "", "寄附者氏名": normalize_text(row["寄附者氏名"]),
                  "寄附者カナ": normalize_text(row.get("寄附者カナ")), "住所": normalize_text(row.get("住所"))}


def build(table: Any, municipality: str) -> tuple[Any, Any]:
    """(台帳, 受領証明書データ) from the concatenated portal rows."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise BusinessError(f"寄附データに列「{'」「'.join(missing)}」がありません。",
                            hint="ポータルごとの列名の対応（portals の rename / derive）を確認してください。")
    rows = [clean_row(r, i) for i, r in enumerate(table[COLUMNS].to_dict("records"))]
    ledger = pd.DataFrame(rows, columns=COLUMNS)
    dup = ledger.duplicated(["ポータル", "寄附ID"], keep=False)
    if dup.any():
        r = ledger[dup].iloc[0]
        raise BusinessError(f"同じ寄附（{r['ポータル']} 寄附ID {r['寄附ID']}）が2回あります。",
                            hint="同じCSVを2回置いていないか確認してください（二重計上を防ぐため止めています）。")
    ledger = ledger.sort_values(["寄附日", "ポータル", "寄附ID"], kind="stable").reset_index(drop=True)
    fy = ledger["寄附日"].map(fiscal_year)
    ledger.insert(0, "受付番号", [f"{y}-{i + 1:05d}" for i, y in enumerate(fy)])
    cert = pd.DataFrame({
        "証明書番号": ledger["受付番号"], "寄附者氏名": ledger["寄附者氏名"], "郵便番号": ledger["郵便番号"],
        "住所": ledger["住所"], "寄附年月日": ledger["寄附日"].map(to_wareki), "寄附金額": ledger["寄附金額"],
        "受領者": municipality, "ワンストップ特例": ledger["ワンストップ希望"].map(lambda v: "申請書を同封" if v else ""),
    })
    return ledger, cert

"""全銀協 fixed-length record layouts (byte positions, 1-based as in the bank manuals).

- 口座振替結果 (種別コード 91): 120-byte records.
- 振込入金通知 (種別コード 01): 200-byte records.

A file is one or more groups of header (データ区分 1), data (2) and trailer (8), closed by one
end record (9); a bank sends several groups when it reports several accounts in one file.
Text is JIS X 0201 half-width kana (read as CP932, which contains it); numbers are zero-padded
digits. Layouts follow the 全銀協 standard as published in banks' manuals (e.g. 阿波銀行
振込入金通知, 宮崎銀行 口座振替); 顧客番号 (20) is the municipality's own reference, often
printed as 顧客番号1/顧客番号2 of 10 digits each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str
    start: int  # 1-based byte position
    length: int
    numeric: bool = False


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str
    record_length: int
    header: tuple[Field, ...]
    data: tuple[Field, ...]
    trailer: tuple[Field, ...]


def _fields(*spec: tuple[str, int, bool]) -> tuple[Field, ...]:
    out, pos = [], 1
    for name, length, numeric in spec:
        out.append(Field(name, pos, length, numeric))
        pos += length
    return tuple(out)


FURIKAE = Layout(
    kind="91",
    title="口座振替結果",
    record_length=120,
    header=_fields(("データ区分", 1, True), ("種別コード", 2, True), ("コード区分", 1, True), ("委託者コード", 10, True),
                   ("委託者名", 40, False), ("引落日", 4, True), ("取引銀行番号", 4, True), ("取引銀行名", 15, False),
                   ("取引支店番号", 3, True), ("取引支店名", 15, False), ("預金種目", 1, True), ("口座番号", 7, True),
                   ("ダミー", 17, False)),
    data=_fields(("データ区分", 1, True), ("引落銀行番号", 4, True), ("引落銀行名", 15, False), ("引落支店番号", 3, True),
                 ("引落支店名", 15, False), ("ダミー1", 4, False), ("預金種目", 1, True), ("口座番号", 7, True),
                 ("預金者名", 30, False), ("引落金額", 10, True), ("新規コード", 1, True), ("顧客番号", 20, False),
                 ("振替結果コード", 1, False), ("ダミー2", 8, False)),
    trailer=_fields(("データ区分", 1, True), ("合計件数", 6, True), ("合計金額", 12, True), ("振替済件数", 6, True),
                    ("振替済金額", 12, True), ("振替不能件数", 6, True), ("振替不能金額", 12, True), ("ダミー", 65, False)),
)

NYUKIN = Layout(
    kind="01",
    title="振込入金通知",
    record_length=200,
    header=_fields(("データ区分", 1, True), ("種別コード", 2, True), ("コード区分", 1, True), ("作成日", 6, True),
                   ("勘定日自", 6, True), ("勘定日至", 6, True), ("銀行番号", 4, True), ("銀行名", 15, False),
                   ("支店番号", 3, True), ("支店名", 15, False), ("預金種目", 1, True), ("口座番号", 7, True),
                   ("口座名", 40, False), ("ダミー", 93, False)),
    data=_fields(("データ区分", 1, True), ("照会番号", 6, True), ("勘定日", 6, True), ("起算日", 6, True),
                 ("金額", 10, True), ("うち他店券金額", 10, True), ("振込依頼人コード", 10, False),
                 ("振込依頼人名", 48, False), ("仕向銀行名", 15, False), ("仕向店名", 15, False), ("取消区分", 1, False),
                 ("EDI情報", 20, False), ("ダミー", 52, False)),
    trailer=_fields(("データ区分", 1, True), ("振込合計件数", 6, True), ("振込合計金額", 12, True),
                    ("取消合計件数", 6, True), ("取消合計金額", 12, True), ("ダミー", 163, False)),
)

LAYOUTS = {"91": FURIKAE, "01": NYUKIN}

# 振替結果コード (口座振替結果): what each code means to staff. Only "0" is a payment.
RESULT_CODES = {
    "0": "振替済",
    "1": "資金不足",
    "2": "預金取引なし",
    "3": "預金者の都合による振替停止",
    "4": "預金口座振替依頼書なし",
    "8": "委託者の都合による振替停止",
    "9": "その他",
    "E": "データエラー",  # used by some banks (銀行独自)
}
PAID_CODE = "0"


class DebitResult(StrEnum):
    """The 振替結果 a tax clerk acts on: codes grouped as in the 集計 sheet (banks' own codes fall under その他)."""

    PAID = "振替済"
    NO_FUNDS = "資金不足"
    NO_ACCOUNT = "取引なし"
    PAYER_STOPPED = "預金者の申出"
    NO_MANDATE = "依頼書なし"
    PAYEE_STOPPED = "委託者の申出"
    OTHER = "その他"


RESULT_GROUPS = {"0": DebitResult.PAID, "1": DebitResult.NO_FUNDS, "2": DebitResult.NO_ACCOUNT, "3": DebitResult.PAYER_STOPPED,
                 "4": DebitResult.NO_MANDATE, "8": DebitResult.PAYEE_STOPPED}
# Whether a failed debit may simply be debited again next time (資金不足) or needs something else first.
REDEBIT = {
    DebitResult.NO_FUNDS: "再振替候補",
    DebitResult.OTHER: "再振替候補（銀行に理由を確認）",
    DebitResult.NO_ACCOUNT: "再振替不可（口座の確認・納付書の送付）",
    DebitResult.PAYER_STOPPED: "再振替不可（納付書の送付）",
    DebitResult.NO_MANDATE: "再振替不可（口座振替依頼書の確認）",
    DebitResult.PAYEE_STOPPED: "再振替不可（委託者側で停止中）",
}


def debit_result(code: str) -> DebitResult:
    """The group of a 振替結果コード (``"1"`` → 資金不足; unknown and bank-specific codes → その他)."""
    return RESULT_GROUPS.get(str(code).strip(), DebitResult.OTHER)


def is_paid(row: dict[str, Any], kind: str) -> bool:
    """Whether a data record is money received (振替済 / not a cancellation).

    Parsed records always carry the code as text; records being written may leave it out
    (振替済 / not cancelled) or give it as a number.
    """
    if kind == "91":
        return str(row.get("振替結果コード", PAID_CODE)) == PAID_CODE
    return str(row.get("取消区分", "")) in ("", "0")


def trailer_totals(kind: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """The trailer's counts and amounts for ``rows``: what the writer puts there and the parser checks."""
    done = [r for r in rows if is_paid(r, kind)]
    other = [r for r in rows if not is_paid(r, kind)]
    if kind == "91":
        return {
            "合計件数": len(rows), "合計金額": sum(r["引落金額"] for r in rows),
            "振替済件数": len(done), "振替済金額": sum(r["引落金額"] for r in done),
            "振替不能件数": len(other), "振替不能金額": sum(r["引落金額"] for r in other),
        }
    return {
        "振込合計件数": len(done), "振込合計金額": sum(r["金額"] for r in done),
        "取消合計件数": len(other), "取消合計金額": sum(r["金額"] for r in other),
    }

# Fields that are numeric in the layout but are codes (leading zeros matter) or dates.
CODE_FIELDS = frozenset({
    "口座番号", "委託者コード", "引落銀行番号", "引落支店番号", "銀行番号", "支店番号", "照会番号", "取引銀行番号",
    "取引支店番号", "作成日", "勘定日自", "勘定日至", "勘定日", "起算日", "引落日", "預金種目", "新規コード",
})

for _layout in LAYOUTS.values():
    for _part in (_layout.header, _layout.data, _layout.trailer):
        assert sum(f.length for f in _part) == _layout.record_length, (_layout.kind, _part[0].name)

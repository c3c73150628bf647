"""全銀協 fixed-length record layouts (byte positions, 1-based as in the bank manuals).

- 口座振替結果 (種別コード 91): 120-byte records.
- 振込入金通知 (種別コード 01): 200-byte records.

Each file is header (データ区分 1), data (2), trailer (8), end (9). Text is JIS X 0201 /
CP932 half-width kana; numbers are zero-padded digits.
"""

from __future__ import annotations

from dataclasses import dataclass


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
                 ("振替結果コード", 1, True), ("ダミー2", 8, False)),
    trailer=_fields(("データ区分", 1, True), ("合計件数", 6, True), ("合計金額", 12, True), ("振替済件数", 6, True),
                    ("振替済金額", 12, True), ("振替不能件数", 6, True), ("振替不能金額", 12, True), ("ダミー", 65, False)),
)

NYUKIN = Layout(
    kind="01",
    title="振込入金通知",
    record_length=200,
    header=_fields(("データ区分", 1, True), ("種別コード", 2, True), ("コード区分", 1, True), ("作成日", 6, True),
                   ("勘定日自", 6, True), ("勘定日至", 6, True), ("銀行番号", 4, True), ("銀行名", 15, False),
                   ("支店番号", 3, True), ("支店名", 15, False), ("ダミー1", 3, False), ("預金種目", 1, True),
                   ("口座番号", 10, True), ("口座名", 40, False), ("ダミー2", 87, False)),
    data=_fields(("データ区分", 1, True), ("照会番号", 8, True), ("勘定日", 6, True), ("起算日", 6, True),
                 ("金額", 10, True), ("うち他店券金額", 10, True), ("振込依頼人コード", 10, False),
                 ("振込依頼人名", 48, False), ("仕向銀行名", 15, False), ("仕向店名", 15, False), ("取消区分", 1, False),
                 ("EDI情報", 20, False), ("ダミー", 50, False)),
    trailer=_fields(("データ区分", 1, True), ("振込合計件数", 6, True), ("振込合計金額", 12, True),
                    ("取消合計件数", 6, True), ("取消合計金額", 12, True), ("ダミー", 163, False)),
)

LAYOUTS = {"91": FURIKAE, "01": NYUKIN}

# 振替結果コード (口座振替結果): what each code means to staff.
RESULT_CODES = {
    "0": "振替済",
    "1": "資金不足",
    "2": "預金取引なし",
    "3": "預金者の都合による振替停止",
    "4": "預金口座振替依頼書なし",
    "8": "委託者の都合による振替停止",
    "9": "その他",
}

for _layout in LAYOUTS.values():
    for _part in (_layout.header, _layout.data, _layout.trailer):
        assert sum(f.length for f in _part) == _layout.record_length, (_layout.kind, _part[0].name)

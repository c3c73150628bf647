"""Writing 全銀 files: for demo and test data (seeded, deterministic) and banks' test environments."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from robots.normalize.text import to_halfwidth_kana
from robots.normalize.wareki import ERAS
from robots.zengin.layouts import LAYOUTS, PAID_CODE, Field, Layout


def _wareki_yymmdd(d: date) -> str:
    era = next(e for e in ERAS if d >= e.start)
    return f"{d.year - era.start.year + 1:02d}{d.month:02d}{d.day:02d}"


def _encode(value: Any, f: Field) -> bytes:
    if isinstance(value, date):
        value = _wareki_yymmdd(value) if f.length == 6 else f"{value.month:02d}{value.day:02d}"
    if f.numeric:
        text = str(value if value not in (None, "") else 0).rjust(f.length, "0")
        raw = text.encode("ascii")
    else:
        raw = to_halfwidth_kana("" if value is None else str(value)).encode("cp932", errors="replace")[: f.length].ljust(f.length, b" ")
    if len(raw) != f.length:
        raise ValueError(f"{f.name}: {value!r} does not fit {f.length} bytes")
    return raw


def _record(fields: tuple[Field, ...], values: dict[str, Any]) -> bytes:
    return b"".join(_encode(values.get(f.name, ""), f) for f in fields)


def _trailer(kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    if kind == "91":
        ok = [r for r in rows if str(r.get("振替結果コード", PAID_CODE)) == PAID_CODE]
        ng = [r for r in rows if str(r.get("振替結果コード", PAID_CODE)) != PAID_CODE]
        return {"合計件数": len(rows), "合計金額": sum(r["引落金額"] for r in rows), "振替済件数": len(ok),
                "振替済金額": sum(r["引落金額"] for r in ok), "振替不能件数": len(ng),
                "振替不能金額": sum(r["引落金額"] for r in ng)}
    ok = [r for r in rows if str(r.get("取消区分", "")) in ("", "0")]
    ng = [r for r in rows if str(r.get("取消区分", "")) not in ("", "0")]
    return {"振込合計件数": len(ok), "振込合計金額": sum(r["金額"] for r in ok),
            "取消合計件数": len(ng), "取消合計金額": sum(r["金額"] for r in ng)}


def write_zengin(kind: str, header: dict[str, Any], rows: list[dict[str, Any]], *, crlf: bool = True, eof: bool = False,
                 groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] | None = None) -> bytes:
    """Bytes of a complete file: header, data, computed trailer (per group), end.

    ``groups`` adds further header/data groups after the first (multi-account files).
    """
    layout: Layout = LAYOUTS[kind]
    recs: list[bytes] = []
    for h, rs in [(header, rows), *(groups or [])]:
        recs.append(_record(layout.header, {"データ区分": 1, "種別コード": kind, "コード区分": 0, **h}))
        recs += [_record(layout.data, {"データ区分": 2, **r}) for r in rs]
        recs.append(_record(layout.trailer, {"データ区分": 8, **_trailer(kind, rs)}))
    recs.append(b"9" + b" " * (layout.record_length - 1))
    sep = b"\r\n" if crlf else b""
    return sep.join(recs) + sep + (b"\x1a" if eof else b"")


_KANA = ("ﾔﾏﾀﾞ", "ｻﾄｳ", "ｽｽﾞｷ", "ﾀｶﾊｼ", "ﾀﾅｶ", "ｲﾄｳ", "ﾜﾀﾅﾍﾞ", "ﾅｶﾑﾗ")
_GIVEN = ("ﾀﾛｳ", "ﾊﾅｺ", "ｲﾁﾛｳ", "ﾐｻｷ", "ｹﾝﾀ", "ﾋﾅ")


def demo_zengin(kind: str, *, seed: int, count: int, reference: date, failed_ratio: float = 0.1,
                key_prefix: str = "", **options: Any) -> bytes:
    """A plausible file of ``count`` records with invented names (same seed → same bytes).

    The reference (顧客番号 / EDI情報) is ``key_prefix`` + a 10-digit serial, left-aligned.
    """
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(count):
        name = f"{rng.choice(_KANA)} {rng.choice(_GIVEN)}"
        amount = rng.randint(10, 900) * 100
        ref = f"{key_prefix}{i + 1:010d}".ljust(20)
        if kind == "91":
            code = PAID_CODE if rng.random() >= failed_ratio else rng.choice("12348")
            rows.append({"引落銀行番号": "0170", "引落支店番号": f"{rng.randint(1, 999):03d}", "預金種目": 1,
                         "口座番号": f"{rng.randint(0, 9_999_999):07d}", "預金者名": name, "引落金額": amount,
                         "顧客番号": ref, "振替結果コード": code})
        else:
            day = reference - timedelta(days=rng.randint(0, 20))
            cancel = "1" if rng.random() < failed_ratio else ""
            rows.append({"照会番号": i + 1, "勘定日": day, "起算日": day, "金額": amount, "振込依頼人名": name,
                         "取消区分": cancel, "EDI情報": ref})
    if kind == "91":
        header = {"委託者コード": "1234567890", "委託者名": "ﾔﾏｸﾞﾁｹﾝ", "引落日": reference, "取引銀行番号": "0170",
                  "取引銀行名": "ﾔﾏｸﾞﾁ", "取引支店番号": "001", "預金種目": 1, "口座番号": "1234567"}
    else:
        header = {"作成日": reference, "勘定日自": reference - timedelta(days=20), "勘定日至": reference,
                  "銀行番号": "0170", "銀行名": "ﾔﾏｸﾞﾁ", "支店番号": "001", "預金種目": 1, "口座番号": "7654321",
                  "口座名": "ﾔﾏｸﾞﾁｹﾝ ｾﾞｲﾑｶ"}
    return write_zengin(kind, header, rows, **options)

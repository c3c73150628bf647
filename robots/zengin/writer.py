"""Writing 全銀 files (for demo and test data, and for banks' test environments)."""

from __future__ import annotations

from datetime import date
from typing import Any

from robots.normalize.text import to_halfwidth_kana
from robots.normalize.wareki import ERAS
from robots.zengin.layouts import LAYOUTS, Field, Layout


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
        raw = to_halfwidth_kana(str(value or "")).encode("cp932", errors="replace")[: f.length].ljust(f.length, b" ")
    if len(raw) != f.length:
        raise ValueError(f"{f.name}: {value!r} does not fit {f.length} bytes")
    return raw


def _record(fields: tuple[Field, ...], values: dict[str, Any]) -> bytes:
    return b"".join(_encode(values.get(f.name, ""), f) for f in fields)


def write_zengin(kind: str, header: dict[str, Any], rows: list[dict[str, Any]], *, crlf: bool = True, eof: bool = False) -> bytes:
    """Bytes of a complete file (header, data, computed trailer, end)."""
    layout: Layout = LAYOUTS[kind]
    recs = [_record(layout.header, {"データ区分": 1, "種別コード": kind, "コード区分": 0, **header})]
    recs += [_record(layout.data, {"データ区分": 2, **r}) for r in rows]
    if kind == "91":
        ok = [r for r in rows if int(r.get("振替結果コード", 0)) == 0]
        ng = [r for r in rows if int(r.get("振替結果コード", 0)) != 0]
        trailer = {"合計件数": len(rows), "合計金額": sum(r["引落金額"] for r in rows), "振替済件数": len(ok),
                   "振替済金額": sum(r["引落金額"] for r in ok), "振替不能件数": len(ng), "振替不能金額": sum(r["引落金額"] for r in ng)}
    else:
        ok = [r for r in rows if r.get("取消区分", "0") in ("", "0")]
        ng = [r for r in rows if r.get("取消区分", "0") not in ("", "0")]
        trailer = {"振込合計件数": len(ok), "振込合計金額": sum(r["金額"] for r in ok),
                   "取消合計件数": len(ng), "取消合計金額": sum(r["金額"] for r in ng)}
    recs.append(_record(layout.trailer, {"データ区分": 8, **trailer}))
    recs.append(b"9" + b" " * (layout.record_length - 1))
    body = (b"\r\n" if crlf else b"").join(recs) + (b"\r\n" if crlf else b"")
    return body + (b"\x1a" if eof else b"")

"""Writing 全銀 files: for demo and test data and banks' test environments (trailer totals computed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kyodo.core.text import to_halfwidth_kana
from kyodo.robots.normalize.wareki import ERAS
from kyodo.robots.zengin.layouts import LAYOUTS, Field, Layout, trailer_totals


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
        recs.append(_record(layout.trailer, {"データ区分": 8, **trailer_totals(kind, rs)}))
    recs.append(b"9" + b" " * (layout.record_length - 1))
    sep = b"\r\n" if crlf else b""
    return sep.join(recs) + sep + (b"\x1a" if eof else b"")

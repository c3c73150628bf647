"""Parsing 全銀 files: records split by length (CRLF optional), totals checked, dates resolved.

Date rule (documented for staff): 振込入金通知 dates are 和暦 ``YYMMDD`` and are read in the
era in force on the file's reference date (the header's 作成日 context, or the date staff pass),
falling back to the previous era for dates that would lie in the future; 口座振替 has only the
引落日 ``MMDD``: the year is the one that puts it nearest to the reference date (so a file for
12/27 processed on 1/5 is last year's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.normalize.text import to_fullwidth_kana
from robots.normalize.wareki import WarekiError, resolve_mmdd, resolve_yymmdd
from robots.zengin.layouts import LAYOUTS, RESULT_CODES, Field, Layout


@dataclass
class ZenginFile:
    """One parsed file: header fields, data rows (dicts), trailer fields, its kind and name."""

    name: str
    layout: Layout
    header: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    trailer: dict[str, Any] = field(default_factory=dict)


def split_records(raw: bytes, name: str) -> tuple[list[bytes], int]:
    """Split into fixed-length records; accept CRLF/LF line ends and a trailing EOF (0x1A)."""
    raw = raw.rstrip(b"\x1a")
    if not raw:
        raise BusinessError("全銀ファイルが空です。", where=name)
    kind = raw[1:3].decode("ascii", "replace")
    layout = LAYOUTS.get(kind)
    if raw[:1] != b"1" or layout is None:
        raise BusinessError(f"全銀ファイルのヘッダーを認識できません（種別コード「{kind}」）。", where=f"{name} 1 行目",
                            hint="口座振替結果（種別91）か振込入金通知（種別01）のファイルを指定してください。")
    n = layout.record_length
    if b"\n" in raw:
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for i, line in enumerate(lines, 1):
            if len(line) != n:
                raise BusinessError(f"レコード長が {len(line)} バイトです（{layout.title}は {n} バイト）。", where=f"{name} {i} 行目")
        return lines, n
    if len(raw) % n:
        raise BusinessError(f"ファイルの長さ {len(raw)} バイトが {n} バイトの倍数ではありません（レコード長の誤り）。", where=name)
    return [raw[i:i + n] for i in range(0, len(raw), n)], n


def _decode(rec: bytes, fields: tuple[Field, ...], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        chunk = rec[f.start - 1: f.start - 1 + f.length]
        text = chunk.decode("cp932", errors="replace")
        if f.name.startswith("ダミー"):
            continue
        if f.numeric:
            t = text.strip()
            if t and not t.isdigit():
                raise BusinessError(f"項目「{f.name}」が数字ではありません（「{t}」）。", where=f"{where} {f.start}バイト目")
            out[f.name] = int(t) if t else 0
            if f.name in ("口座番号", "委託者コード", "引落銀行番号", "引落支店番号", "銀行番号", "支店番号", "照会番号",
                          "取引銀行番号", "取引支店番号", "作成日", "勘定日自", "勘定日至", "勘定日", "起算日", "引落日"):
                out[f.name] = t  # codes keep their leading zeros
        else:
            out[f.name] = to_fullwidth_kana(text.rstrip())
    return out


def parse_zengin(raw: bytes, name: str = "<zengin>", reference: date | None = None) -> ZenginFile:
    """Parse and check one file; totals in the trailer must match the data records."""
    records, _ = split_records(raw, name)
    layout = LAYOUTS[records[0][1:3].decode()]
    ref = reference or date.today()
    zf = ZenginFile(name=name, layout=layout, header=_decode(records[0], layout.header, f"{name} 1 行目"))
    seen_trailer = seen_end = False
    for i, rec in enumerate(records[1:], 2):
        where = f"{name} {i} 行目"
        kind = rec[:1]
        if seen_end:
            raise BusinessError("エンドレコードの後にデータがあります。", where=where)
        if kind == b"2":
            if seen_trailer:
                raise BusinessError("トレーラーレコードの後にデータレコードがあります。", where=where)
            row = _decode(rec, layout.data, where)
            row["行"] = i
            zf.rows.append(row)
        elif kind == b"8":
            zf.trailer = _decode(rec, layout.trailer, where)
            seen_trailer = True
        elif kind == b"9":
            seen_end = True
        elif kind == b"1":
            raise BusinessError("ヘッダーレコードが2つあります（複数ファイルの連結は1ファイルずつ指定してください）。", where=where)
        else:
            raise BusinessError(f"データ区分「{kind.decode('cp932', 'replace')}」は不明なレコード種別です（1/2/8/9 のみ）。", where=where)
    if not seen_trailer:
        raise BusinessError("トレーラーレコード（データ区分 8）がありません。", where=name, hint="ファイルが途中で切れていないか確認してください。")
    if not seen_end:
        raise BusinessError("エンドレコード（データ区分 9）がありません。", where=name)
    _resolve_dates(zf, ref)
    _check_totals(zf)
    return zf


def _resolve_dates(zf: ZenginFile, ref: date) -> None:
    try:
        if zf.layout.kind == "91":
            when = resolve_mmdd(zf.header["引落日"], ref)
            zf.header["引落日"] = when
            for r in zf.rows:
                r["引落日"] = when
                r["振替結果"] = RESULT_CODES.get(str(r["振替結果コード"]), "不明なコード")
        else:
            for key in ("作成日", "勘定日自", "勘定日至"):
                zf.header[key] = resolve_yymmdd(zf.header[key], ref)
            for r in zf.rows:
                r["勘定日"] = resolve_yymmdd(r["勘定日"], ref)
                r["起算日"] = resolve_yymmdd(r["起算日"], ref)
    except WarekiError as exc:
        raise BusinessError(f"日付を読めません: {exc}", where=zf.name) from None


def _check_totals(zf: ZenginFile) -> None:
    t, rows = zf.trailer, zf.rows
    if zf.layout.kind == "91":
        done = [r for r in rows if r["振替結果コード"] == 0]
        failed = [r for r in rows if r["振替結果コード"] != 0]
        expected = {
            "合計件数": len(rows), "合計金額": sum(r["引落金額"] for r in rows),
            "振替済件数": len(done), "振替済金額": sum(r["引落金額"] for r in done),
            "振替不能件数": len(failed), "振替不能金額": sum(r["引落金額"] for r in failed),
        }
    else:
        cancelled = [r for r in rows if r["取消区分"] not in ("", "0")]
        normal = [r for r in rows if r["取消区分"] in ("", "0")]
        expected = {
            "振込合計件数": len(normal), "振込合計金額": sum(r["金額"] for r in normal),
            "取消合計件数": len(cancelled), "取消合計金額": sum(r["金額"] for r in cancelled),
        }
    diffs = [f"{k}: トレーラー {t.get(k, 0):,} ／ データ {v:,}" for k, v in expected.items() if t.get(k, 0) != v]
    if diffs:
        raise BusinessError("トレーラーの合計がデータレコードと一致しません: " + "、".join(diffs), where=f"{zf.name} トレーラー",
                            hint="銀行から受け取ったファイルが欠けていないか確認し、再送を依頼してください。")


def read_zengin(path: Path, reference: date | None = None) -> ZenginFile:
    """Read and parse a file from disk."""
    if not path.exists():
        raise BusinessError(f"全銀ファイルが見つかりません: {path.name}", where=str(path))
    return parse_zengin(path.read_bytes(), path.name, reference)

"""Parsing 全銀 files: records split by length (CRLF optional), totals checked, dates resolved.

Date rule (staff can rely on it):

- 振込入金通知 (01) dates are 和暦 ``YYMMDD``. The header's 作成日 is read in the era in force on
  the reference date (``reference``, default today); if that would put it more than a year
  after the reference date, the previous era is used (a 平成31 file read in 令和). Every other
  date of the file (勘定日, 起算日) is then read the same way relative to the 作成日, so an old
  file re-read years later still gets its own era. Banks that send 西暦 ``YYMMDD`` instead are
  read with ``year_style="seireki"`` (20YY). The rule itself is
  :func:`kyodo.robots.normalize.resolve_yymmdd`; a blank or impossible date stops with the file,
  line and field named.
- 口座振替結果 (91) has only the 引落日 ``MMDD``: the year is the one that puts it nearest to the
  reference date (a 12/27 file processed on 1/5 is last year's). Pass ``reference`` when
  re-processing an old file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.core.text import to_fullwidth_kana
from kyodo.robots.normalize.wareki import WarekiError, resolve_mmdd, resolve_yymmdd
from kyodo.robots.zengin.layouts import CODE_FIELDS, LAYOUTS, RESULT_CODES, Field, Layout, trailer_totals

_KINDS = {b"1": "ヘッダー", b"2": "データ", b"8": "トレーラー", b"9": "エンド"}


@dataclass
class ZenginGroup:
    """One header–data–trailer group (one account or one 委託者)."""

    header: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    trailer: dict[str, Any] = field(default_factory=dict)
    line: int = 1
    trailer_line: int = 0


@dataclass
class ZenginFile:
    """A parsed file: its layout, its groups, and all data rows (``rows``, each with its line ``行``)."""

    name: str
    layout: Layout
    groups: list[ZenginGroup] = field(default_factory=list)

    @property
    def header(self) -> dict[str, Any]:
        return self.groups[0].header

    @property
    def trailer(self) -> dict[str, Any]:
        return self.groups[0].trailer

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r for g in self.groups for r in g.rows]


def split_records(raw: bytes, name: str) -> tuple[list[bytes], Layout]:
    """Fixed-length records of ``raw``; CRLF/LF/CR line ends and a trailing EOF (0x1A) accepted."""
    raw = raw.rstrip(b"\x1a")
    if not raw.strip():
        raise BusinessError("全銀ファイルが空です。", where=name)
    kind = raw[1:3].decode("ascii", "replace")
    layout = LAYOUTS.get(kind)
    if raw[:1] != b"1" or layout is None:
        raise BusinessError(f"全銀ファイルのヘッダーを認識できません（データ区分「{raw[:1].decode('ascii', 'replace')}」"
                            f"種別コード「{kind}」）。", where=f"{name} 1 行目",
                            hint="口座振替結果（種別91）か振込入金通知（種別01）のファイルを指定してください。")
    if raw[3:4] == b"1":
        raise BusinessError("EBCDIC のファイル（コード区分 1）には対応していません。", where=f"{name} 1 行目",
                            hint="JIS（コード区分 0）で出力するよう銀行に依頼してください。")
    n = layout.record_length
    if b"\n" in raw or b"\r" in raw:
        lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        while lines and lines[-1] == b"":
            lines.pop()
        for i, line in enumerate(lines, 1):
            if len(line) != n:
                raise BusinessError(f"レコード長が {len(line)} バイトです（{layout.title}は {n} バイト）。",
                                    where=f"{name} {i} 行目", hint="ファイルが途中で切れたり編集されたりしていないか確認してください。")
        return lines, layout
    records = [raw[i:i + n] for i in range(0, len(raw), n)]
    if len(raw) % n:
        shifted = next((i for i, r in enumerate(records, 1) if r[:1] not in _KINDS), len(records))
        raise BusinessError(f"ファイルの長さ {len(raw):,} バイトが {n} バイトの倍数ではありません（レコード長の誤り）。",
                            where=f"{name} {shifted} レコード目付近",
                            hint="改行なしのファイルです。欠けたり余分な文字が入ったりしたレコードがないか確認してください。")
    return records, layout


def _decode(rec: bytes, fields: tuple[Field, ...], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        if f.name.startswith("ダミー"):
            continue
        chunk = rec[f.start - 1: f.start - 1 + f.length]
        text = chunk.decode("cp932", errors="replace")
        if f.numeric:
            t = text.strip()
            if t and not t.isdigit():
                raise BusinessError(f"項目「{f.name}」が数字ではありません。", where=f"{where} {f.start}〜{f.start + f.length - 1}バイト目",
                                    hint="数字項目は右詰め・前ゼロです。ファイルの形式を確認してください。")
            out[f.name] = t if f.name in CODE_FIELDS else (int(t) if t else 0)
        else:
            out[f.name] = to_fullwidth_kana(text.rstrip())
    return out


def parse_zengin(raw: bytes, name: str = "<zengin>", reference: date | None = None, *,
                 year_style: str = "wareki") -> ZenginFile:
    """Parse and check one file; every group's trailer must match its data records."""
    records, layout = split_records(raw, name)
    zf = ZenginFile(name=name, layout=layout)
    group: ZenginGroup | None = None
    seen_end = False
    for i, rec in enumerate(records, 1):
        where = f"{name} {i} 行目"
        kind = rec[:1]
        if seen_end:
            if rec.strip(b" \x00"):
                raise BusinessError("エンドレコードの後にデータがあります。", where=where)
            continue
        if kind == b"1":
            if group is not None and not group.trailer:
                raise BusinessError("トレーラーレコードの前に次のヘッダーレコードがあります。", where=where)
            if rec[1:3] != layout.kind.encode():
                raise BusinessError(f"種別コード「{rec[1:3].decode('ascii', 'replace')}」のヘッダーが混ざっています"
                                    f"（このファイルは{layout.title}）。", where=where)
            group = ZenginGroup(header=_decode(rec, layout.header, where), line=i)
            zf.groups.append(group)
        elif kind == b"2":
            if group is None or group.trailer:
                raise BusinessError("ヘッダーレコードの無いデータレコードです（トレーラーの後にデータがあります）。", where=where)
            row = _decode(rec, layout.data, where)
            row["行"] = i
            group.rows.append(row)
        elif kind == b"8":
            if group is None or group.trailer:
                raise BusinessError("トレーラーレコードが重複しています。", where=where)
            group.trailer = _decode(rec, layout.trailer, where)
            group.trailer_line = i
        elif kind == b"9":
            if group is None or not group.trailer:
                raise BusinessError("トレーラーレコード（データ区分 8）の前にエンドレコードがあります。", where=where,
                                    hint="ファイルが途中で切れていないか確認してください。")
            seen_end = True
        else:
            raise BusinessError(f"データ区分「{kind.decode('cp932', 'replace')}」は不明なレコード種別です（1/2/8/9 のみ）。",
                                where=where, hint="全銀協形式のファイルか、レコードの位置がずれていないか確認してください。")
    if group is None or not group.trailer:
        raise BusinessError("トレーラーレコード（データ区分 8）がありません。", where=name,
                            hint="ファイルが途中で切れていないか確認してください。")
    if not seen_end:
        raise BusinessError("エンドレコード（データ区分 9）がありません。", where=name,
                            hint="ファイルが途中で切れていないか確認してください。")
    for g in zf.groups:
        _resolve_dates(zf, g, reference or date.today(), year_style)
        _check_totals(zf, g)
    return zf


def _resolve_dates(zf: ZenginFile, g: ZenginGroup, ref: date, year_style: str) -> None:
    def read(record: dict[str, Any], key: str, line: int, base: date) -> date:
        try:
            if zf.layout.kind == "91":
                return resolve_mmdd(record[key], base)
            return resolve_yymmdd(record[key], base, year_style=year_style)
        except WarekiError as exc:
            raise BusinessError(f"項目「{key}」の日付を読めません: {exc}", where=f"{zf.name} {line} 行目",
                                hint="銀行から受け取ったファイルが壊れていないか確認し、必要なら再送を依頼してください。") from None

    if zf.layout.kind == "91":
        when = read(g.header, "引落日", g.line, ref)
        g.header["引落日"] = when
        for r in g.rows:
            r["引落日"] = when
            r["振替結果"] = RESULT_CODES.get(r["振替結果コード"], f"不明なコード（{r['振替結果コード']}）")
        return
    made = read(g.header, "作成日", g.line, ref)
    g.header["作成日"] = made
    for key in ("勘定日自", "勘定日至"):
        g.header[key] = read(g.header, key, g.line, made)
    for r in g.rows:
        r["勘定日"] = read(r, "勘定日", r["行"], made)
        r["起算日"] = read(r, "起算日", r["行"], made) if r["起算日"].strip("0") else r["勘定日"]


def _check_totals(zf: ZenginFile, g: ZenginGroup) -> None:
    t = g.trailer
    expected = trailer_totals(zf.layout.kind, g.rows)
    diffs = [f"{k}: トレーラー {t.get(k, 0):,} ／ データ {v:,}" for k, v in expected.items() if t.get(k, 0) != v]
    if diffs:
        raise BusinessError("トレーラーの合計がデータレコードと一致しません: " + "、".join(diffs),
                            where=f"{zf.name} {g.trailer_line} 行目（トレーラー）",
                            hint="銀行から受け取ったファイルが欠けていないか確認し、再送を依頼してください。")


def read_zengin(path: Path, reference: date | None = None, *, year_style: str = "wareki") -> ZenginFile:
    """Read and parse a file from disk."""
    if not path.is_file():
        raise BusinessError(f"全銀ファイルが見つかりません: {path.name}", where=str(path))
    return parse_zengin(path.read_bytes(), path.name, reference, year_style=year_style)

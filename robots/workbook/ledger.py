"""Reading a ledger exported by a business system into a clean DataFrame.

Real exports have title rows above the header, group headings merged over several columns,
header cells merged over two rows (``調定額`` over ``均等割`` and ``法人税割``), 小計/合計 rows,
年度 written ``令和6年度``, 税目 written as names, 期別 as ``第1期``, 和暦 dates, full-width digits
and amounts written as ``1,234円``. Everything that differs between vendors is a field of
:class:`LedgerSpec` (set from the scenario's parameters, so a municipality describes its layout
in its own configuration file). Every problem names the file and the cell (``ledger.xlsx G782``)
before any output is written; check-digit failures are flagged in ``確認事項``, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from kyodo.core.errors import BusinessError
from kyodo.core.privacy import register_personal_columns
from kyodo.robots.normalize import (
    AmountError,
    WarekiError,
    normalize_frame,
    normalize_header,
    normalize_text,
    parse_date,
    parse_nendo,
    parse_yen,
)
from kyodo.robots.normalize.codes import is_valid_corporate_number, is_valid_lg_code, is_valid_my_number
from kyodo.robots.workbook.header import HeaderBlock, find_header_block
from kyodo.robots.workbook.values import read_sheet, sheet_note

LEDGER_STAGES = 2  # シートの読み込み, 整形・検査: the stages read_ledger announces
NOTE = "確認事項"  # the column where row-level findings (bad check digits …) are written
CHECKS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "法人番号": ("法人番号（13桁）", is_valid_corporate_number),
    "個人番号": ("個人番号（12桁）", is_valid_my_number),
    "自治体コード": ("自治体コード（6桁）", is_valid_lg_code),
}
GRAND_TOTAL = ("合計", "総計", "計")
SUBTOTAL = ("小計",)
_TOTAL_RE = re.compile(r"^(合計|総計|小計)[（(:：\d]")
_PERIOD_RE = r"^第?(\d+)期?$"


@dataclass
class LedgerSpec:
    """What to expect in the ledger; names are the ledger's own column names after ``rename``."""

    required_columns: list[str]
    sheet: str | int = 0
    rename: dict[str, str] = field(default_factory=dict)  # the scenario's column_map
    date_columns: list[str] = field(default_factory=list)
    amount_columns: list[str] = field(default_factory=list)
    key_widths: dict[str, int] = field(default_factory=dict)
    year_columns: list[str] = field(default_factory=list)  # 令和6年度 / R6 / 2024 → "2024"
    value_maps: dict[str, dict[str, Any]] = field(default_factory=dict)  # {税目: {法人市民税: "04"}}
    amount_parts: dict[str, list[str]] = field(default_factory=dict)  # {調定額: [均等割, 法人税割]}
    check_digits: dict[str, str] = field(default_factory=dict)  # {法人番号列: 法人番号}
    personal_columns: list[str] = field(default_factory=list)  # registered for masking before any value is quoted
    header_rows: int | None = None
    header_row: int | None = None
    footer_words: tuple[str, ...] = GRAND_TOTAL + SUBTOTAL
    header_search_rows: int = 30


@dataclass
class Footer:
    """The ledger's own total row and what it said (for the report and the cross-check)."""

    row: int
    totals: dict[str, int]


def find_header(rows: list[list[Any]], want: list[str], rename: dict[str, str], limit: int) -> tuple[int, list[str]]:
    """0-based index of the (last) header row and the column names; kept for single-row callers."""
    block = find_header_block(rows, want, aliases=rename, search_rows=limit)
    return block.bottom, block.names


def cell(where: str, col_letter: str, row: int) -> str:
    """``ledger.xlsx G782`` — how every ledger message names a cell."""
    return f"{where} {col_letter}{row}"


def _letters(block: HeaderBlock) -> dict[str, str]:
    return {n: get_column_letter(j + 1) for j, n in enumerate(block.names)}


def _footer_kind(row: list[Any], words: tuple[str, ...]) -> str | None:
    """"grand" / "sub" for a total row (its first filled cell says 合計, 小計 …), else None."""
    first = next((normalize_text(v) for v in row if v not in (None, "")), "")
    t = re.sub(r"[\s【】\[\]「」]", "", first)
    m = _TOTAL_RE.match(t)
    word = t if t in words else (m.group(1) if m else None)
    if word is None:
        return None
    return "sub" if word in SUBTOTAL else "grand"


def _body(rows: list[list[Any]], block: HeaderBlock, spec: LedgerSpec) -> tuple[list[list[Any]], list[int], int | None]:
    """Data rows (with their Excel row numbers) and the grand-total row's Excel number, if any."""
    width = len(block.names)
    body: list[list[Any]] = []
    index: list[int] = []
    for i in range(block.body_start, len(rows)):
        r = (rows[i] + [""] * width)[:width]
        if all(v in (None, "") for v in r):
            continue
        kind = _footer_kind(r, spec.footer_words)
        if kind == "grand":
            return body, index, i + 1  # the 合計 row ends the table
        if kind == "sub":
            continue
        body.append([_int_if_whole(v) for v in r])
        index.append(i + 1)
    return body, index, None


def _convert(df: Any, col: str, fn: Callable[[Any], Any], what: str, where: str, letter: str, hint: str) -> Any:
    """``fn`` over the distinct values of ``col``; the first bad one raises an error naming its cell."""
    values = df[col]
    mapping: dict[Any, Any] = {}
    for u in pd.unique(values):
        if u is None or (isinstance(u, str) and not u.strip()) or (not isinstance(u, str) and pd.isna(u)):
            continue
        try:
            mapping[u] = fn(u)
        except (WarekiError, AmountError, ValueError) as exc:
            row = int(values.index[(values == u).to_numpy()][0])
            raise BusinessError(f"列「{col}」（{row} 行目）の値を{what}として読めません: {exc}",
                                where=cell(where, letter, row), hint=hint) from None
    return values.map(mapping)


def read_ledger(path: Path, spec: LedgerSpec, stage: Callable[[str], None] = lambda name: None) -> Any:
    """The ledger as a DataFrame indexed by Excel row number, normalised and checked.

    Text is NFKC-normalised, ``date_columns`` become ``date``, ``amount_columns`` ``Int64`` yen,
    ``year_columns`` Western years, ``value_maps`` applied, ``key_widths`` columns zero-padded
    digit strings (``第1期`` → ``01``), ``amount_parts`` summed or checked, ``check_digits``
    flagged in ``確认事項``. ``df.attrs["footer"]`` holds the ledger's own 合計 row (checked).
    ``stage(name)`` announces its two stages (``LEDGER_STAGES``) to people watching.
    """
    stage("シートの読み込み")
    rows, merged = read_sheet(path, spec.sheet, fill_merged=True)
    where = path.name
    n = normalize_header
    parts = {n(k): [n(p) for p in v] for k, v in spec.amount_parts.items()}
    want = list(dict.fromkeys([n(c) for c in spec.required_columns if n(c) not in parts]
                              + [p for ps in parts.values() for p in ps]))
    try:
        block = find_header_block(rows, want, aliases=spec.rename, merged=merged, search_rows=spec.header_search_rows,
                                  header_rows=spec.header_rows, header_row=spec.header_row)
    except BusinessError as exc:
        exc.hint = " ".join(x for x in (sheet_note(path, spec.sheet), exc.hint) if x)  # a wrong default sheet is common
        raise exc.located(where) from None
    letters = _letters(block)
    body, index, footer_row = _body(rows, block, spec)
    df = pd.DataFrame(body, columns=block.names, index=pd.Index(index, name="行"), dtype=object)
    register_personal_columns(df, spec.personal_columns)
    dates, amounts, years = ([n(c) for c in cols] for cols in (spec.date_columns, spec.amount_columns, spec.year_columns))
    widths = {n(c): w for c, w in spec.key_widths.items()}
    maps = {n(c): {normalize_text(k): v for k, v in m.items()} for c, m in spec.value_maps.items()}
    computed = [t for t in parts if t not in df.columns]
    for col in [*dates, *[a for a in amounts if a not in computed], *years, *widths, *maps, *spec.check_digits]:
        if n(col) not in df.columns and n(col) not in computed:
            raise BusinessError(f"列「{col}」が台帳にありません。", where=f"{where} {block.excel_rows()}（見出し）",
                                hint=f"台帳の列: {', '.join(block.names)}。column_map で列名の対応を指定してください。")
    special = set(dates) | set(amounts) | set(years)
    stage(f"{len(df):,} 行の整形・検査")
    df = normalize_frame(df, text_columns=[c for c in df.columns if c not in special], where=where, row_offset=0)
    for col in dates:
        df[col] = _convert(df, col, parse_date, "日付", where, letters[col],
                           "日付の書き方（令和6年5月31日、R6.5.31、2024/5/31 など）を確認してください。").astype(object)
    for col in years:
        df[col] = _convert(df, col, lambda v: str(parse_nendo(v)), "年度", where, letters[col],
                           "年度は 令和6年度・R6・2024 のように書きます。")
    for col, m in maps.items():
        df[col] = df[col].map(lambda v, m=m: m.get(normalize_text(v), v) if v is not None else v)
    for col in [a for a in amounts if a not in computed] + [p for ps in parts.values() for p in ps if p not in amounts]:
        df[col] = _convert(df, col, parse_yen, "金額", where, letters[col],
                           "金額の書き方（12,300 や 12,300円）を確認してください。見出しが2行なら header_rows: 2 を指定します。"
                           ).astype("Int64")
    _require(df, [n(c) for c in spec.required_columns if n(c) not in computed], where, letters)
    _pad_keys(df, widths, where, letters)
    _add_parts(df, parts, where, letters)
    if spec.check_digits:
        df[NOTE] = ""
        _flag_check_digits(df, spec.check_digits, letters)
    totals = [*amounts, *parts, *[p for ps in parts.values() for p in ps]]
    df.attrs["footer"] = _check_footer(rows, footer_row, df, totals, block, where)
    df.attrs["source"] = where
    return df


def _require(df: Any, cols: list[str], where: str, letters: dict[str, str]) -> None:
    for col in cols:
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if blank.any():
            row = int(df.index[blank.to_numpy()][0])
            raise BusinessError(f"必須の列「{col}」が空です（{row} 行目）。", where=cell(where, letters[col], row),
                                hint="元のシステムの出力を確認するか、その行を削除してください。")


def _pad_keys(df: Any, widths: dict[str, int], where: str, letters: dict[str, str]) -> None:
    """Key columns as zero-padded digit strings of the configured width (``第1期`` → ``01``)."""
    for col, w in widths.items():
        s = df[col].astype(str).str.replace(_PERIOD_RE, r"\1", regex=True)
        bad = ~s.str.fullmatch(r"\d+") | (s.str.len() > w)
        if bad.any():
            row = int(df.index[bad.to_numpy()][0])
            raise BusinessError(f"列「{col}」（{row} 行目）は {w} 桁以内の数字でなければなりません: 「{s[row]}」。",
                                where=cell(where, letters.get(col, "?"), row),
                                hint=f"桁数は key_widths（{col}: {w}）で設定します。名前で書かれている列（例: 法人市民税）は "
                                     f"value_maps で数字のコードに対応させてください。")
        df[col] = s.str.zfill(w)


def _add_parts(df: Any, parts: dict[str, list[str]], where: str, letters: dict[str, str]) -> None:
    """The total column from its parts (均等割 + 法人税割), or a located error where they disagree."""
    for total, cols in parts.items():
        s = sum((df[c].fillna(0) for c in cols), start=pd.Series(0, index=df.index, dtype="Int64"))
        if total not in df.columns:
            df[total] = s.astype("Int64")
            continue
        bad = df[total].fillna(0) != s
        if bad.any():
            row = int(df.index[bad.to_numpy()][0])
            raise BusinessError(f"{row} 行目の{total} {int(df.at[row, total]):,} 円が {'＋'.join(cols)} の合計 "
                                f"{int(s[row]):,} 円と一致しません。", where=cell(where, letters.get(total, "?"), row),
                                hint="台帳の出力が崩れていないか、amount_parts の列の指定を確認してください。")


def _flag_check_digits(df: Any, checks: dict[str, str], letters: dict[str, str]) -> None:
    """Invalid check digits go to 確認事項 (the row stays: a typo in 法人番号 is not a reason to drop a tax)."""
    for col, kind in checks.items():
        label, valid = CHECKS.get(kind, CHECKS["法人番号"])
        col = normalize_header(col)
        values = df[col].astype(str)
        uniq = {v: (not v.strip() or valid(v)) for v in values.unique()}
        bad = ~values.map(uniq).astype(bool)
        if bad.any():
            note = f"{label}の検査数字が正しくありません（{letters.get(col, '')}列）"
            df.loc[bad, NOTE] = df.loc[bad, NOTE].where(df.loc[bad, NOTE] == "", df.loc[bad, NOTE] + "／") + note


def _check_footer(rows: list[list[Any]], footer_row: int | None, df: Any, amounts: list[str], block: HeaderBlock,
                  where: str) -> Footer | None:
    """The 合計 row's amounts must equal the rows above it: a cut-off export must not reconcile quietly."""
    if footer_row is None:
        return None
    raw = rows[footer_row - 1]
    letters = _letters(block)
    totals = {}
    for col in dict.fromkeys(amounts):
        if col not in letters:
            continue
        j = block.names.index(col)
        value = raw[j] if j < len(raw) else ""
        if value in (None, ""):
            continue
        try:
            stated = parse_yen(_int_if_whole(value))
        except AmountError:
            continue  # a text such as "120件" in an amount column is a count, not a total
        actual = int(df[col].fillna(0).sum())
        if stated != actual:
            raise BusinessError(f"合計行の{col} {stated:,} 円が明細の合計 {actual:,} 円と一致しません（差 {stated - actual:+,} 円）。",
                                where=cell(where, letters[col], footer_row),
                                hint="台帳の出力が途中で切れていないか、行が重複していないか確認し、出力し直してください。")
        totals[col] = stated
    return Footer(row=footer_row, totals=totals)


def _int_if_whole(v: Any) -> Any:
    """Excel stores every number as a float: 2026.0 is the year 2026, not the text "2026.0"."""
    return int(v) if isinstance(v, float) and v.is_integer() else v

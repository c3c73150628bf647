"""Read options: what turns a portal's table into the standard table, whatever product exported it.

One function, :func:`apply_read_options`, used by ``excel.read_csv`` (a downloaded CSV) and by
``normalize.table`` (a table read from the screen), so both paths give the same columns and values.

Every place that names a column (``rename``, ``required_columns``, ``parse_dates``,
``number_columns``, ``status_column``, ``date_column``, personal columns) goes through
:func:`~kyodo.core.text.normalize_header`, the rule the reader applies to the file's own
headers: ``氏名（漢字）`` in a scenario matches the CSV's ``氏名（漢字）`` header, which the reader
keeps as ``氏名(漢字)``.

Nothing is guessed silently: a status word the profile does not map, a date-time that cannot be
read, a missing column — each stops with the column, the row and what to fix.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.text import normalize_header, normalize_text, to_fullwidth_kana
from kyodo.robots.normalize.datetimes import parse_datetime
from kyodo.robots.normalize.wareki import WarekiError, parse_date

HALFWIDTH_KANA = "[\uff61-\uff9f]"


@dataclass
class ReadOptions:
    """The read options a scenario (or a portal profile) gives; all optional."""

    rename: dict[str, str] = field(default_factory=dict)
    required_columns: list[str] = field(default_factory=list)
    parse_dates: list[str] = field(default_factory=list)
    fullwidth_kana: bool = False
    number_columns: list[str] = field(default_factory=list)
    status_column: str | None = None
    status_map: dict[str, str] = field(default_factory=dict)
    statuses: list[str] = field(default_factory=list)
    date_column: str | None = None
    date_from: Any = None
    date_to: Any = None
    only: dict[str, Any] = field(default_factory=dict)  # keep rows whose column equals the value ("" = no filter)
    row_offset: int = 2  # CSV: data row 1 is file row 2 (after the header)
    rename_hint: str = "列名の対応（プロファイルの columns / 自治体設定の column_map / rename）を確認してください"

    @classmethod
    def of(cls, **given: Any) -> ReadOptions:
        """The options an action was called with; arguments left out (None) keep their defaults."""
        return cls(**{k: v for k, v in given.items() if v is not None})


def header(name: object) -> str:
    """A column name as every reader compares it (re-exported for callers naming columns)."""
    return normalize_header(name)


def normalize_columns(df: Any) -> Any:
    """``df`` with its headers normalised (the reader's rule)."""
    df.columns = [normalize_header(c) for c in df.columns]
    return df


def apply_read_options(df: Any, opts: ReadOptions, *, where: str = "") -> Any:
    """``df`` (text columns) renamed, checked and normalised as ``opts`` say; raises located BusinessErrors."""
    df = normalize_columns(df)
    mapping = {normalize_header(k): normalize_header(v) for k, v in opts.rename.items()}
    if mapping:
        df = df.rename(columns=mapping)
    _require(df, opts, where)
    if opts.fullwidth_kana:
        for c in df.columns:
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype):
                df[c] = _by_value(df[c], to_fullwidth_kana, only=HALFWIDTH_KANA)
    for c in _named(df, opts.number_columns, where, "number_columns"):
        df[c] = _by_value(df[c], lambda v: normalize_text(v).replace(" ", ""))
    if opts.status_column:
        df = _map_status(df, opts, where)
    for c in _named(df, opts.parse_dates, where, "parse_dates"):
        df[c] = _parse_dates(df, c, opts, where)
    if opts.date_from or opts.date_to:
        df = _between(df, opts, where)
    for c, value in opts.only.items():
        if value not in (None, ""):
            [col] = _named(df, [c], where, "only")
            df = df[df[col] == normalize_text(value)].reset_index(drop=True)
    return df


def _named(df: Any, columns: list[str], where: str, option: str) -> list[str]:
    out = []
    for c in columns or []:
        n = normalize_header(c)
        if n not in df.columns:
            close = difflib.get_close_matches(n, [str(x) for x in df.columns], n=1, cutoff=0.4)
            raise BusinessError(f"{option} の列「{c}」が表にありません。", where=where or None,
                                hint=(f"「{close[0]}」ですか? " if close else "") + f"表の列: {', '.join(map(str, df.columns))}")
        out.append(n)
    return out


def _require(df: Any, opts: ReadOptions, where: str) -> None:
    missing = [c for c in opts.required_columns if normalize_header(c) not in df.columns]
    if not missing:
        return
    hints = []
    for c in missing:
        close = difflib.get_close_matches(normalize_header(c), [str(x) for x in df.columns], n=1, cutoff=0.4)
        hints.append(f"「{c}」→ 表の「{close[0]}」を対応付けてください" if close else f"「{c}」")
    raise BusinessError(f"必要な列「{'」「'.join(missing)}」がありません。", where=where or None,
                        hint=f"{opts.rename_hint}: " + "、".join(hints) + f"（表の列: {', '.join(map(str, df.columns))}）")


def _by_value(series: Any, fn: Any, only: str | None = None) -> Any:
    """``fn`` applied once per distinct text value (portal exports repeat values a lot), mapped back in C.

    ``only``: a regex; values without a match are left alone without calling ``fn``.
    """
    pattern = re.compile(only) if only else None
    uniq = [u for u in pd.unique(series) if isinstance(u, str) and (pattern is None or pattern.search(u))]
    if not uniq:
        return series
    mapped = series.map({u: fn(u) for u in uniq})
    return mapped.where(mapped.notna(), series)


def _row(df: Any, mask: Any, opts: ReadOptions) -> str:
    pos = int(mask.to_numpy().nonzero()[0][0])
    return f"{pos + opts.row_offset} 行目" if opts.row_offset else f"{pos + 1} 件目"


def _map_status(df: Any, opts: ReadOptions, where: str) -> Any:
    [col] = _named(df, [opts.status_column or ""], where, "status_column")
    table = {normalize_text(k): v for k, v in opts.status_map.items()}
    values = _by_value(df[col], normalize_text)
    mapped = _by_value(values, lambda v: table.get(v, v))
    if opts.statuses:
        allowed = set(opts.statuses)
        bad = ~mapped.isin(allowed) & (values != "")
        if bad.any():
            word = values[bad].iloc[0]
            raise BusinessError(
                f"列「{col}」の値「{word}」は標準の状態（{' / '.join(opts.statuses)}）のどれにも対応付けられていません"
                f"（{_row(df, bad, opts)}ほか {int(bad.sum())} 件）。",
                where=where or None,
                hint=f"プロファイルの statuses に「{word}: 標準の状態」を書き足してください（例: {word}: {opts.statuses[0]}）。")
    df[col] = mapped
    return df


def _parse_dates(df: Any, col: str, opts: ReadOptions, where: str) -> Any:
    """Date-times of one column: ``date part + hh:mm[:ss]`` split and vectorised (the date part parsed once
    per distinct day), anything else parsed value by value; the first unreadable value stops with its row."""
    values = df[col].map(lambda v: v.strip() if isinstance(v, str) else "")
    parts = values.str.extract(r"^(?P<d>.*\S)\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
    hh, mm, ss = (pd.to_numeric(parts[k], errors="coerce") for k in ("h", "m", "s"))
    split = parts["d"].notna() & (hh < 24) & (mm < 60) & (ss.fillna(0) < 60)
    whole = values.where(~split, parts["d"])
    days: dict[str, Any] = {}
    for u in pd.unique(whole[values != ""]):
        try:
            days[u] = parse_datetime(u)
        except WarekiError as exc:
            raise BusinessError(f"「{col}」に日時として読めない値があります（{_row(df, whole == u, opts)}）: {exc}",
                                where=where or None,
                                hint="2024/4/1 9:30、R6.4.1 09:30、令和6年4月1日 などの形で出力されているか確認してください。") from None
    base = pd.to_datetime(whole.map(days), errors="coerce")
    clock = pd.to_timedelta(hh.where(split, 0) * 3600 + mm.where(split, 0) * 60 + ss.where(split, 0).fillna(0), unit="s")
    return base + clock.where(split, pd.Timedelta(0))


def _day(value: Any, what: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise BusinessError(f"{what}「{value}」を日付として読めません: {exc}") from None


def _between(df: Any, opts: ReadOptions, where: str) -> Any:
    [col] = _named(df, [opts.date_column or (opts.parse_dates[0] if opts.parse_dates else "")], where, "date_column")
    start, end = _day(opts.date_from, "date_from"), _day(opts.date_to, "date_to")
    values = df[col] if pd.api.types.is_datetime64_any_dtype(df[col]) else _parse_dates(df, col, opts, where)
    days = values.dt.date
    keep = pd.Series(True, index=df.index)
    if start:
        keep &= days >= start
    if end:
        keep &= days <= end
    return df[keep.fillna(False)].reset_index(drop=True)

"""Pure table operations behind the ``table.*`` actions (pandas, vectorised; no RunContext).

Every operation refuses a result that cannot be right — a filter value that occurs nowhere,
a join that matches nothing, a mapping that maps nothing — with a Japanese message that names
the column and the values, instead of handing an empty table on as a success.
"""

from __future__ import annotations

import math
import re
from datetime import date
from enum import Enum
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import WarekiError, fiscal_year, normalize_text, parse_date, parse_yen


class Op(str, Enum):
    """Comparison operators a filter condition may use."""

    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "not_in"
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    CONTAINS = "contains"
    EMPTY = "empty"
    NOT_EMPTY = "not_empty"


_LOOKUP_OPS = (Op.EQ, Op.IN)


def require_columns(df: Any, columns: list[str], what: str) -> None:
    """Raise naming the missing columns and the ones the table has."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BusinessError(f"{what}に使う列「{'」「'.join(map(str, missing))}」が表にありません。",
                            hint=f"表の列: {', '.join(map(str, df.columns))}")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _norm(series: Any) -> Any:
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else normalize_text(v))


def _numeric(series: Any, column: str) -> Any:
    out = pd.to_numeric(series, errors="coerce")
    bad = out.isna() & _norm(series).ne("")
    if bad.any():
        raise BusinessError(f"列「{column}」に数値でない値があります（{int(bad.values.argmax()) + 1} 件目）。",
                            hint="数値で比べる条件（> >= < <=）は数値の列に使ってください。")
    return out


def condition_mask(df: Any, cond: dict[str, Any], index: int) -> tuple[Any, list[Any]]:
    """Boolean mask for one condition and the looked-up values that occur nowhere in the column."""
    if not isinstance(cond, dict) or "column" not in cond:
        raise BusinessError(f"条件の {index} 番目に column がありません。",
                            hint="{column: 列名, op: '==', value: 値} の形で書いてください。")
    col = str(cond["column"])
    require_columns(df, [col], "条件")
    try:
        op = Op(str(cond.get("op", "in" if isinstance(cond.get("value"), list) else "==")))
    except ValueError:
        raise BusinessError(f"条件の {index} 番目の op「{cond.get('op')}」は使えません。",
                            hint=f"使える op: {', '.join(o.value for o in Op)}") from None
    value = cond.get("value")
    text = _norm(df[col])
    if op in (Op.EMPTY, Op.NOT_EMPTY):
        mask = text.eq("")
        return (mask if op is Op.EMPTY else ~mask), []
    if op in (Op.GT, Op.GE, Op.LT, Op.LE):
        num = _numeric(df[col], col)
        if value is None:
            raise BusinessError(f"条件の {index} 番目（op「{op.value}」）に value がありません。",
                                hint="数値で比べる条件（> >= < <=）には比べる数値を value に書いてください。")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise BusinessError(f"条件の {index} 番目の value「{value}」は数値ではありません。",
                                hint="数値で比べる条件（> >= < <=）には比べる数値を value に書いてください。") from None
        return {Op.GT: num > v, Op.GE: num >= v, Op.LT: num < v, Op.LE: num <= v}[op].fillna(False), []
    wanted = [normalize_text(v) for v in _as_list(value)]
    if op is Op.CONTAINS:
        return text.map(lambda s: any(w in s for w in wanted)), []
    mask = text.isin(wanted)
    absent = [v for v, w in zip(_as_list(value), wanted) if not (text == w).any()] if op in _LOOKUP_OPS else []
    return (mask if op in (Op.EQ, Op.IN) else ~mask), absent


def filter_rows(df: Any, where: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    """Rows meeting every condition, and a note for each looked-up value found nowhere."""
    mask = pd.Series(True, index=df.index)
    notes = []
    for i, cond in enumerate(where, 1):
        m, absent = condition_mask(df, cond, i)
        mask &= m.astype(bool)
        if absent:
            notes.append(f"列「{cond['column']}」に値「{'」「'.join(map(str, absent))}」が1件もありません")
    return df[mask], notes


def join_tables(left: Any, right: Any, on: dict[str, str], how: str, columns: list[str] | None) -> tuple[Any, int]:
    """``left`` joined with ``right`` on normalised keys; returns the table and the unmatched count."""
    require_columns(left, list(on), "結合（左の表）")
    require_columns(right, list(on.values()), "結合（右の表）")
    keys = [f"__k{i}" for i in range(len(on))]
    lk, rk = left.copy(), right.copy()
    for k, (lc, rc) in zip(keys, on.items()):
        lk[k], rk[k] = _norm(left[lc]), _norm(right[rc])
    dup = rk.duplicated(keys, keep=False)
    if dup.any():
        first = rk.loc[dup, list(on.values())].iloc[0].tolist()
        raise BusinessError(f"右の表でキー（{'・'.join(on.values())}）が重複しています（例: {first}）。",
                            hint="重複を除いてから結合してください（1件に複数が結び付くと件数が増えてしまいます）。")
    keep = [c for c in (columns or [c for c in right.columns if c not in on.values()]) if c not in keys]
    require_columns(right, keep, "結合（取り込む列）")
    out = lk.merge(rk[keys + keep], on=keys, how="left", indicator="__m", suffixes=("", "_右"))
    matched = out["__m"].eq("both")
    if how == "inner":
        out = out[matched]
    unmatched = int((~matched).sum())
    return out.drop(columns=[*keys, "__m"]).reset_index(drop=True), unmatched


def map_column(series: Any, mapping: dict[str, Any]) -> tuple[Any, Any]:
    """``series`` with values replaced by ``mapping`` (keys compared normalised) and the mask of hits."""
    norm = {normalize_text(k): v for k, v in mapping.items()}
    text = _norm(series)
    hit = text.isin(list(norm))
    return series.where(~hit, text.map(norm)), hit


_RANGE = re.compile(r"^(\d{1,2})[:：時](\d{2})?分?\s*[-〜~～]\s*(\d{1,2})[:：時](\d{2})?分?$")


def _hours(start: Any, end: Any = None) -> float:
    """Hours between two times, or of a "9:00-12:00" range (no wrap past midnight)."""
    if end is None:
        m = _RANGE.match(normalize_text(start))
        if not m:
            raise ValueError(f"時間帯「{start}」を読めません（例: 9:00-12:00）")
        h1, m1, h2, m2 = (int(x or 0) for x in m.groups())
    else:
        (h1, m1), (h2, m2) = (_hm(start), _hm(end))
    span = (h2 * 60 + m2) - (h1 * 60 + m1)
    if span <= 0:
        raise ValueError(f"終了が開始より前です（{start}〜{end or ''}）")
    return round(span / 60, 2)


def _hm(value: Any) -> tuple[int, int]:
    if hasattr(value, "hour"):
        return value.hour, value.minute
    parts = re.split(r"[:：時]", normalize_text(value).rstrip("分"))
    if not parts[0].isdigit():
        raise ValueError(f"時刻「{value}」を読めません（例: 9:30）")
    return int(parts[0]), int(parts[1] or 0) if len(parts) > 1 and parts[1] else 0


def _age(birth: Any, as_of: date) -> int:
    b = parse_date(birth)
    return as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))


class Derive(str, Enum):
    """Computed columns ``table.derive`` can add."""

    MONTH = "month"
    AGE = "age"
    HOURS = "hours"
    FISCAL_YEAR = "fiscal_year"
    DATE = "date"
    YEN = "yen"
    CONCAT = "concat"


def derive_value(kind: Derive, values: list[Any], as_of: date, sep: str = "") -> Any:
    """One derived cell from its source cell(s); raises ``ValueError`` with a Japanese reason."""
    if kind is Derive.CONCAT:
        return sep.join(normalize_text(v) for v in values if v is not None and normalize_text(v) != "")
    if kind is Derive.YEN:
        return parse_yen(values[0])

    if kind is Derive.MONTH:
        d = parse_date(values[0])
        return f"{d.year:04d}-{d.month:02d}"
    if kind is Derive.DATE:
        return parse_date(values[0])
    if kind is Derive.AGE:
        return _age(values[0], as_of)
    if kind is Derive.FISCAL_YEAR:
        return fiscal_year(values[0])
    return _hours(values[0], values[1] if len(values) > 1 else None)


DERIVE_ERRORS = (ValueError, WarekiError, TypeError)  # AmountError is a ValueError

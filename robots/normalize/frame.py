"""Normalising whole DataFrame columns at once, with errors that name the row and column.

Text columns go through :func:`normalize_series` (pandas' vectorised
string methods, the same steps as :func:`~kyodo.core.text.normalize_text`); dates and
amounts are parsed once per *distinct* value and mapped back, which is fast on the repetitive
data ledgers hold (納期限 has a handful of values however many rows there are).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.core.text import text_steps
from kyodo.robots.normalize.money import AmountError, parse_yen
from kyodo.robots.normalize.wareki import WarekiError, parse_date


def normalize_series(values: Any, *, collapse_spaces: bool = True) -> Any:
    """:func:`~kyodo.core.text.normalize_text` vectorised for a pandas Series (missing values become ``""``)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    na = s.isna()
    if s.dtype == object or na.any():
        s = s.mask(na, "").astype(str)
    elif not pd.api.types.is_string_dtype(s.dtype):
        s = s.astype(str)
    for op, arg, repl in text_steps(collapse_spaces):
        if op == "translate":
            s = s.str.translate(arg)
        elif op == "nfkc":
            s = s.str.normalize("NFKC")
        else:
            s = s.str.replace(arg, repl, regex=True)
    return s.str.strip()


def _blank(u: Any) -> bool:
    return (isinstance(u, str) and not u.strip()) or (not isinstance(u, str) and bool(pd.isna(u)))


def _convert(df: Any, col: str, fn: Callable[[Any], Any], what: str, where: str, row_offset: int) -> Any:
    """Apply ``fn`` to the distinct values of ``col``, raising a located error on the first bad one."""
    values = df[col]
    mapping: dict[Any, Any] = {}
    for u in pd.unique(values):
        if _blank(u):
            continue
        try:
            mapping[u] = fn(u)
        except (WarekiError, AmountError) as exc:
            bad = values.index[(values == u).to_numpy()][0]
            row = f"{int(bad) + row_offset} 行目" if isinstance(bad, (int, float)) or str(bad).isdigit() else str(bad)
            raise BusinessError(f"列「{col}」の値を{what}として読めません: {exc}",
                                where=f"{where} {row}".strip(),
                                hint=f"{what}の書き方を確認してください。") from None
    return values.map(mapping)


def normalize_frame(
    df: Any,
    *,
    text_columns: list[str] | None = None,
    date_columns: list[str] | None = None,
    amount_columns: list[str] | None = None,
    where: str = "",
    row_offset: int = 2,
) -> Any:
    """A copy of ``df`` with text NFKC-normalised, dates parsed (和暦 too) and amounts as ``Int64``.

    ``text_columns=None`` means every text column. Errors are :class:`BusinessError` naming
    ``where`` (the file), the row (index + ``row_offset``; pass ``row_offset=0`` when the
    index already holds Excel row numbers) and the column.
    """
    out = df.copy()
    special = set(date_columns or []) | set(amount_columns or [])
    if text_columns is None:
        text_columns = [c for c in out.columns if out[c].dtype == object or str(out[c].dtype) in ("str", "string")]
    for col in text_columns:
        if col not in special:
            out[col] = normalize_series(out[col])
    for col in date_columns or []:
        out[col] = _convert(out, col, parse_date, "日付", where, row_offset).astype(object)
    for col in amount_columns or []:
        out[col] = _convert(out, col, parse_yen, "金額", where, row_offset).astype("Int64")
    return out

"""Normalising whole columns of a DataFrame at once (vectorised where pandas allows)."""

from __future__ import annotations

from typing import Any, Callable

from robots.errors import BusinessError
from robots.normalize.money import AmountError, parse_yen
from robots.normalize.text import normalize_text
from robots.normalize.wareki import WarekiError, parse_date


def _convert(df: Any, col: str, fn: Callable[[Any], Any], what: str, where: str, row_offset: int) -> Any:
    """Apply ``fn`` to the distinct values of ``col`` (fast on repetitive data), with row-located errors."""
    import pandas as pd

    values = df[col]
    uniques = pd.unique(values)
    mapping: dict[Any, Any] = {}
    for u in uniques:
        if u is None or (isinstance(u, float) and u != u) or (isinstance(u, str) and not u.strip()):
            mapping[u] = None
            continue
        try:
            mapping[u] = fn(u)
        except (WarekiError, AmountError) as exc:
            bad = values[values == u].index[0]
            raise BusinessError(f"列「{col}」の値を{what}として読めません: {exc}",
                                where=f"{where} {int(bad) + row_offset} 行目") from None
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
    """Return a copy of ``df`` with text NFKC-normalised, dates parsed (和暦 too) and amounts as int.

    ``row_offset`` turns a 0-based index into the row number staff see in Excel (header = 1).
    """
    out = df.copy()
    for col in text_columns if text_columns is not None else [c for c in out.columns if out[c].dtype == object or str(out[c].dtype) in ("str", "string")]:
        if col in (date_columns or []) or col in (amount_columns or []):
            continue
        out[col] = _convert(out, col, normalize_text, "文字", where, row_offset).fillna("")
    for col in date_columns or []:
        out[col] = _convert(out, col, parse_date, "日付", where, row_offset)
    for col in amount_columns or []:
        out[col] = _convert(out, col, parse_yen, "金額", where, row_offset).astype("Int64")
    return out

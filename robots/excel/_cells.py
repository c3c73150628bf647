"""One rule for turning pandas/numpy values into what openpyxl writes (reports and filled templates alike)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

# Types openpyxl writes natively (datetime is a date; bool and numpy's str_ are covered by int / str).
_NATIVE = (str, bool, int, float, Decimal, date, time, timedelta)


def cell_value(v: Any) -> Any:
    """A pandas/numpy value as something openpyxl writes faithfully.

    Missing values (``None``, NaN, ``pd.NA``, ``pd.NaT``) become an empty cell, numpy scalars
    plain Python values, pandas Timestamps naive ``datetime`` (Excel has no time zones), and
    anything openpyxl cannot write is written as its text instead of failing the save.
    """
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):  # numpy's float64 is a float too
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(v, "to_pydatetime"):  # pandas Timestamp
        v = v.to_pydatetime()
    elif hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        try:
            v = v.item()
        except (ValueError, AttributeError, TypeError):
            return str(v)
        if isinstance(v, float) and math.isnan(v):
            return None
    if isinstance(v, datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    if isinstance(v, _NATIVE):
        return v
    return str(v)

"""Parameter values as a scenario declares them (``type: int | date | list ...``): one judge for all.

The run plan (command line, schedule, registry overrides), ``kyodo scenario validate`` (defaults)
and the overlay view all ask :func:`coerce_param`, so a value is accepted or refused the same way
everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import parse_date

_TRUE = ("1", "true", "yes", "はい", "on")
_FALSE = ("0", "false", "no", "いいえ", "off", "")
_TYPE_HINTS = {
    "int": "整数（例: 2024）で指定してください。",
    "bool": "true / false（はい / いいえ）で指定してください。",
    "date": "日付（例: 2024-04-01、2024/4/1、令和6年4月1日）で指定してください。",
    "list": "リスト（例: [a, b]）で書いてください。コマンドでは -p 'items=[a, b]' のように [ ] で囲みます。",
    "dict": "「名前: 値」の形（例: {申請者名: 申請者氏名}）で書いてください。コマンドでは -p 'map={a: b}' のように { } で囲みます。",
}


def _date(value: Any) -> date | None:
    """A date parameter: ``2026-04-01``, ``2026/4/1``, ``20260401``, ``令和8年4月1日``, ``R8.4.1`` (full-width too); blank is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) or not str(value).strip():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(value)  # an Excel serial is not a date someone types
        return None
    return parse_date(str(value))


def _flow_yaml(text: str, typ: str) -> Any:
    """``[a, b]`` / ``{a: b}`` as typed after ``-p name=``: YAML flow style, exactly as the error message suggests."""
    s = text.strip()
    if not (s.startswith("[") if typ == "list" else s.startswith("{")):
        raise ValueError(text)
    try:
        return yaml.safe_load(s)
    except yaml.YAMLError:
        raise ValueError(text) from None


def coerce_param(name: str, typ: str, value: Any) -> Any:
    """``value`` as a ``typ`` parameter; anything that does not fit is a BusinessError, never a silent guess.

    The single judge of parameter values: ``kyodo scenario validate`` checks defaults with it too.
    """
    if value is None:
        return None
    try:
        if typ == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)  # 1.5 is not silently 1, true is not 1
            return int(value)
        if typ == "float":
            return float(value)
        if typ == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).lower()
            if text not in _TRUE + _FALSE:
                raise ValueError(value)
            return text in _TRUE
        if typ == "date":
            return _date(value)
        if typ in ("str", "path"):
            return str(value)
        if typ in ("list", "dict") and isinstance(value, str):
            value = _flow_yaml(value, typ)
        if (typ == "list" and not isinstance(value, list)) or (typ == "dict" and not isinstance(value, dict)):
            raise ValueError(value)
    except (TypeError, ValueError, OverflowError):
        raise BusinessError(f"パラメータ「{name}」の値「{value}」は {typ} 型として読めません。", hint=_TYPE_HINTS.get(typ)) from None
    return value

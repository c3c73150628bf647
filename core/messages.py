"""pydantic's validation errors in Japanese: one table for scenarios, registry, profiles and action arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PYDANTIC_JA = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目はありません",
    "string_type": "文字列で書いてください",
    "int_type": "整数で書いてください",
    "int_parsing": "整数で書いてください",
    "int_from_float": "整数で書いてください（小数は使えません）",
    "float_parsing": "数値で書いてください",
    "float_type": "数値で書いてください",
    "bool_type": "true か false で書いてください",
    "bool_parsing": "true か false で書いてください",
    "list_type": "リスト（- で始まる行、または [a, b]）で書いてください",
    "dict_type": "「名前: 値」の形で書いてください",
    "date_type": "日付（例: 2024-04-01）で書いてください",
    "date_parsing": "日付（例: 2024-04-01）で書いてください",
    "date_from_datetime_parsing": "日付（例: 2024-04-01）で書いてください",
    "path_type": "ファイルのパス（文字列）で書いてください",
    "literal_error": "使える値は {expected} です",
    "enum": "使える値は {expected} です",
    "string_pattern_mismatch": "使えない文字が含まれています（半角英数字と _ ）",
    "too_short": "{min_length}つ以上必要です",
    "greater_than_equal": "{ge} 以上にしてください",
    "less_than_equal": "{le} 以下にしてください",
    "greater_than": "{gt} より大きくしてください",
    "less_than": "{lt} より小さくしてください",
    "model_type": "「名前: 値」の形で書いてください",
    "tuple_type": "[x, y, 幅, 高さ] のように角かっこで書いてください",
    "string_too_short": "空にはできません",
    "string_too_long": "{max_length}文字以内で書いてください",
    "too_long": "数が多すぎます（{max_length}個まで）",
    "is_instance_of": "前のステップの結果（${ステップid}）を指定してください",
}


# Kinds whose message is clearer with the value that was written (for files without line numbers).
_SHOWS_INPUT = frozenset({"literal_error", "enum", "int_parsing", "float_parsing", "bool_parsing"})


def japanese_message(err: Mapping[str, Any], *, quote_input: bool = False) -> str:
    """One pydantic error (``exc.errors()[i]``) said in Japanese for a DX leader; unknown kinds keep pydantic's text.

    ``quote_input`` adds the value that was written (「…」, at most 40 characters) where it helps.
    """
    if err["type"] == "value_error":  # kyodo's own validators raise ValueError with a Japanese message
        return str(err.get("msg", "")).removeprefix("Value error, ")
    tmpl = PYDANTIC_JA.get(err["type"])
    if tmpl is None:
        return str(err.get("msg", ""))
    message = _fill(tmpl, err)
    if quote_input and err["type"] in _SHOWS_INPUT:
        message += f"（「{err.get('input')!s:.40}」）"
    return message


def _fill(tmpl: str, err: Mapping[str, Any]) -> str:
    ctx = dict(err.get("ctx") or {})
    if "expected" in ctx:  # "'a', 'b' or 'c'" → "a / b / c"
        ctx["expected"] = " / ".join(re.findall(r"'([^']*)'", str(ctx["expected"]))) or ctx["expected"]
    try:
        return tmpl.format(**ctx)
    except (KeyError, IndexError):
        return tmpl

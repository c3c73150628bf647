"""``${...}`` variables and ``when`` conditions, evaluated without ``eval``.

Only names, attribute/key lookups, indexes, literals, comparisons, ``and/or/not``, basic
arithmetic and a few functions are allowed: a scenario can read data but never run code.
Functions: ``len``, ``str``, ``int``; ``merge(a, b)`` (mappings), ``pick(map, key)`` (map[key] or key),
``first(a, b, …)`` (first non-empty), ``date_text(date, format)`` (a date as a portal's form wants
it), ``with_query(url, name, value)`` (URL parameter), ``period(from, to)`` (``_20260701-20260930``
for file names).
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize.datetimes import format_date

VAR = re.compile(r"\$\{([^{}]+)\}")

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Mod: operator.mod}
_CMP = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def _merge(*maps: Any) -> dict[Any, Any]:
    """``merge(a, b)``: b's keys over a's (a profile's column names, then one town's own)."""
    out: dict[Any, Any] = {}
    for m in maps:
        out.update(m or {})
    return out


def _pick(mapping: Any, key: Any) -> Any:
    """``pick(map, key)``: ``map[key]`` when present, else ``key`` itself (a product's code for a name)."""
    return mapping.get(key, key) if isinstance(mapping, Mapping) else key


def _first(*values: Any) -> Any:
    """``first(a, b)``: the first value that is not empty (None, "" — a skipped step's result is None)."""
    return next((v for v in values if v is not None and not (isinstance(v, str) and v == "")), None)


def _date_text(value: Any, fmt: str = "iso") -> str:
    """``date_text(params.date_from, m.profile.dates.format)``: a date the way a portal's form wants it."""
    try:
        return format_date(value, fmt)
    except ValueError as exc:
        raise BusinessError(f"date_text: {exc}") from None


def _with_query(url: str, name: str, value: Any) -> str:
    """``with_query(url, name, value)``: ``url`` with ``?name=value`` (URL-encoded); unchanged if either is empty."""
    if not name or value in (None, ""):
        return str(url)
    return f"{url}{'&' if '?' in str(url) else '?'}{quote(str(name))}={quote(str(value))}"


def _period(start: Any, end: Any) -> str:
    """``period(from, to)``: ``_20260701-20260930`` for file names ("" when neither is given)."""
    if start in (None, "") and end in (None, ""):
        return ""
    return f"_{format_date(start, 'yyyymmdd')}-{format_date(end, 'yyyymmdd')}"


_FUNCS: dict[str, Callable[..., Any]] = {"len": len, "str": str, "int": int, "merge": _merge, "pick": _pick, "first": _first,
                                          "date_text": _date_text, "with_query": _with_query, "period": _period}


class UndefinedVariable(BusinessError):
    """A ``${name}`` that no parameter, step or loop defines."""


def _lookup(obj: Any, key: str, expr: str) -> Any:
    if key.startswith("_"):
        raise BusinessError(f"「{expr}」の「{key}」は参照できません。")
    if isinstance(obj, Mapping):
        if key in obj:
            return obj[key]
        raise UndefinedVariable(f"変数「{expr}」の「{key}」がありません。", hint=_suggest(key, list(obj)))
    if hasattr(obj, key):
        return getattr(obj, key)
    raise UndefinedVariable(f"変数「{expr}」の「{key}」がありません。")


def _suggest(name: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(name, [str(c) for c in choices], n=1, cutoff=0.5)
    starts = [str(c) for c in choices if str(c).startswith(name)]
    close = close or (starts if len(starts) == 1 else [])
    return f"「{close[0]}」のことですか?" if close else (f"使える名前: {', '.join(map(str, choices[:12]))}" if choices else None)


def evaluate(expr: str, scope: Mapping[str, Any]) -> Any:
    """Evaluate the inside of one ``${...}`` against ``scope``."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        raise BusinessError(f"式「${{{expr}}}」の書き方に誤りがあります。", hint="例: ${params.year} / ${m.code} / ${len(rows) > 0}") from None

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in scope:
                return scope[node.id]
            if node.id in ("true", "True"):
                return True
            if node.id in ("false", "False"):
                return False
            raise UndefinedVariable(f"変数「{node.id}」が定義されていません。", hint=_suggest(node.id, list(scope)))
        if isinstance(node, ast.Attribute):
            return _lookup(ev(node.value), node.attr, expr)
        if isinstance(node, ast.Subscript):
            base, key = ev(node.value), ev(node.slice)
            if isinstance(key, str):
                return _lookup(base, key, expr)
            try:
                return base[key]
            except (IndexError, KeyError, TypeError):
                raise BusinessError(f"「${{{expr}}}」の [{key}] がありません。") from None
        if isinstance(node, ast.BoolOp):  # Python semantics: `a or b` yields a value, not a bool
            val: Any = None
            for v in node.values:
                val = ev(v)
                if bool(val) != isinstance(node.op, ast.And):
                    return val
            return val
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            v = ev(node.operand)
            return (not v) if isinstance(node.op, ast.Not) else -v
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return _BIN[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, comp in zip(node.ops, node.comparators):
                right = ev(comp)
                if not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, (ast.List, ast.Tuple)):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords:
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise BusinessError(f"式「${{{expr}}}」には使えない書き方が含まれています。", hint="変数の参照・比較・and/or/not・len() が使えます。")

    return ev(tree)


def names_in(text: str) -> set[str]:
    """Top-level variable names that ``text`` refers to (for validation without running)."""
    found: set[str] = set()
    for m in VAR.finditer(text):
        try:
            tree = ast.parse(m.group(1).strip(), mode="eval")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in _FUNCS and node.id not in ("true", "false", "True", "False"):
                found.add(node.id)
    return found


def render(value: Any, scope: Mapping[str, Any]) -> Any:
    """Resolve variables in ``value`` (recursing into lists and dicts).

    A string that is exactly one ``${x}`` yields the raw object (a table stays a table);
    variables embedded in longer text are formatted as text.
    """
    if isinstance(value, str):
        m = VAR.fullmatch(value.strip())
        if m:
            return evaluate(m.group(1), scope)
        return VAR.sub(lambda mm: _text(evaluate(mm.group(1), scope)), value)
    if isinstance(value, list):
        return [render(v, scope) for v in value]
    if isinstance(value, dict):
        return {k: render(v, scope) for k, v in value.items()}
    return value


def _text(v: Any) -> str:
    return "" if v is None else str(v)

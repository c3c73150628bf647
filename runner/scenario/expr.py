"""``${...}`` variables and ``when`` conditions, evaluated without ``eval``.

Only names, attribute/key lookups, indexes, literals, comparisons, ``and/or/not``, basic
arithmetic and ``len`` are allowed: a scenario can read data but never run code.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
from typing import Any, Mapping

from robots.errors import BusinessError

VAR = re.compile(r"\$\{([^{}]+)\}")

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Mod: operator.mod}
_CMP = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_FUNCS = {"len": len, "str": str, "int": int}


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

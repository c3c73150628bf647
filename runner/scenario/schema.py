"""JSON Schema (draft-07) for scenario and registry files, generated from the same models.

VS Code's YAML extension reads it through the ``# yaml-language-server: $schema=`` line and
then completes action names and, per action, its argument names with their Japanese help.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from typing import Any

from pydantic import TypeAdapter

DRAFT7 = "http://json-schema.org/draft-07/schema#"
_EXPR = {"type": "string", "pattern": r"\$\{", "description": "${...} で変数や前のステップの結果を使えます"}


def _draft7(schema: dict[str, Any]) -> dict[str, Any]:
    """pydantic emits 2020-12 style ``$defs``; draft-07 uses ``definitions``."""
    text = json.dumps(schema, ensure_ascii=False).replace('"$defs"', '"definitions"').replace("#/$defs/", "#/definitions/")
    out = json.loads(text)
    out["$schema"] = DRAFT7
    return out


def _arg_docs(doc: str) -> dict[str, str]:
    """``name: description`` lines from an action's docstring (its 引数 section)."""
    out = {}
    for line in doc.splitlines():
        m = re.match(r"\s+([A-Za-z_][A-Za-z0-9_ /]*):\s*(.+)", line)
        if m:
            for name in m.group(1).split("/"):
                out[name.strip()] = m.group(2).strip()
    return out


def _type_schema(annotation: Any) -> dict[str, Any]:
    if annotation in (Any, inspect.Parameter.empty):
        return {}
    try:
        s = TypeAdapter(annotation).json_schema()
    except Exception:  # DataFrames and other runtime objects: any value
        return {}
    return {k: v for k, v in s.items() if k != "title"}


def action_with_schema(spec: Any) -> dict[str, Any]:
    hints = typing.get_type_hints(spec.func)
    docs = _arg_docs(spec.doc)
    props, required = {}, []
    for name, p in spec.parameters.items():
        s = _type_schema(hints.get(name, Any))
        prop: dict[str, Any] = {"anyOf": [s, _EXPR]} if s else {}
        prop["description"] = docs.get(name, "")
        if p.default is not p.empty and p.default is not None:
            try:
                json.dumps(p.default)
                prop["default"] = p.default
            except TypeError:
                pass
        else:
            if p.default is p.empty:
                required.append(name)
        props[name] = prop
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def scenario_schema() -> dict[str, Any]:
    from robots import all_actions
    from runner.scenario.model import Scenario

    schema = _draft7(Scenario.model_json_schema(by_alias=True))
    schema["title"] = "kyodo シナリオ"
    actions = all_actions()
    step = schema["definitions"]["Step"]
    step["properties"]["action"] = {
        "type": "string",
        "enum": list(actions),
        "description": "実行するアクション: " + " / ".join(f"{n}（{s.title}）" for n, s in actions.items()),
    }
    step["allOf"] = [
        {"if": {"properties": {"action": {"const": name}}, "required": ["action"]},
         "then": {"properties": {"with": action_with_schema(spec)}}}
        for name, spec in actions.items()
    ]
    return schema


def registry_schema() -> dict[str, Any]:
    from runner.registry import Registry

    schema = _draft7(Registry.model_json_schema(by_alias=True))
    schema["title"] = "kyodo 自治体台帳"
    return schema


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

"""JSON Schema (draft-07) for scenario, registry and portal-profile files, generated from the same models.

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

from kyodo.core.settings import STANDARD_SCENARIOS
from kyodo.robots import all_actions
from kyodo.runner.profiles import Profile
from kyodo.runner.registry import Registry
from kyodo.runner.scenario.loader import load_scenario
from kyodo.runner.scenario.model import Scenario

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


# Editors show these; the models' own docstrings are English notes for engineers.
_JA = {
    "Scenario": "kyodo のシナリオ（1ファイル = 1つの業務手順）。kyodo scenario validate で確認できます。",
    "Param": "パラメータ: 型と既定値。自治体ごとの設定・スケジュール・--param で上書きできます。",
    "Retry": "再試行の設定（タイムアウトなどのアプリケーションエラーだけを再試行します。データの誤りは再試行しません）。",
    "Step": "手順の1ステップ: action（+ with）でアクションを1つ実行するか、for_each（+ steps）で繰り返します。",
    "Registry": "自治体台帳: 共同利用に参加する県と市町村、それぞれの接続先・スケジュール・シナリオの上書き設定。",
    "Municipality": "参加団体（県または市町村）。",
    "Credentials": "ログイン情報: ユーザーIDと、パスワードを保存したシークレットの名前（パスワード自体は書きません）。",
    "ScheduleEntry": "定期実行の設定（シナリオ・いつ・パラメータ）。",
    "Profile": "電子申請システム（製品）のプロファイル: ログイン・手続の選び方・期間・出力の方法・列名・状態の言葉。"
               "kyodo registry validate で確認できます。",
    "LoginSpec": "ログイン画面（パスとセレクタ）。",
    "ProcedureSpec": "手続の選び方。",
    "DatesSpec": "受付日での絞り込み（入力欄と日付の形式）。",
    "ExportSpec": "データの出し方（出力ボタン・出力フォーム・一覧画面の読み取り）。",
}
_JA_FIELDS = {
    ("Municipality", "name"): "団体名（例: 山口市）",
    ("Municipality", "kind"): "種別: prefecture（県）/ city（市）/ town（町）/ village（村）",
    ("Municipality", "zone"): "主に使うネットワーク: internet / lgwan / mynumber",
    ("Municipality", "portal_url"): "電子申請ポータルなど接続先のURL（${env:名前:-既定値} が使えます）",
    ("Municipality", "phone"): "問い合わせ先の電話番号",
    ("Municipality", "schedules"): "定期実行の一覧",
    ("Credentials", "user"): "ログインID",
    ("ScheduleEntry", "enabled"): "false にすると一時停止",
    ("Municipality", "credentials"): "ログイン情報（user と password_secret）",
    ("Registry", "prefecture"): "県（取りまとめ役）",
    ("Registry", "municipalities"): "参加市町村の一覧",
}


def _japanese(schema: dict[str, Any], root: str) -> dict[str, Any]:
    defs = schema.get("definitions", {})
    for name, d in [(root, schema), *defs.items()]:
        if name in _JA:
            d["description"] = _JA[name]
        for field, prop in d.get("properties", {}).items():
            if (name, field) in _JA_FIELDS and not prop.get("description"):
                prop["description"] = _JA_FIELDS[(name, field)]
    return schema


def scenario_schema() -> dict[str, Any]:
    schema = _japanese(_draft7(Scenario.model_json_schema(by_alias=True)), "Scenario")
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


def profile_schema() -> dict[str, Any]:
    """The schema of one portal profile (``config/profiles/<name>.yaml``)."""
    schema = _japanese(_draft7(Profile.model_json_schema(by_alias=True)), "Profile")
    schema["title"] = "kyodo 電子申請システムのプロファイル"
    return schema


def registry_schema() -> dict[str, Any]:
    schema = _japanese(_draft7(Registry.model_json_schema(by_alias=True)), "Registry")
    schema["title"] = "kyodo 自治体台帳"
    profile = profile_schema()
    schema["definitions"].update(profile.pop("definitions", {}))
    schema["definitions"]["Profile"] = {k: v for k, v in profile.items() if k not in ("$schema", "title")}
    ref = {"$ref": "#/definitions/Profile"}
    schema["properties"]["profiles"]["additionalProperties"] = ref
    props = schema["definitions"]["Municipality"]["properties"]
    props["profile_overrides"] = {"allOf": [ref], "description": props["profile_overrides"]["description"]}
    overrides = schema["definitions"]["Municipality"]["properties"]["overrides"]
    overrides["properties"] = overlay_properties()
    return schema


_PARAM_JSON = {"str": "string", "path": "string", "int": "integer", "float": "number", "bool": "boolean",
               "date": "string", "list": "array", "dict": "object"}


def overlay_properties() -> dict[str, Any]:
    """Per standard scenario, the parameters a municipality may override (completion in the registry)."""
    out: dict[str, Any] = {}
    for f in sorted(STANDARD_SCENARIOS.glob("*.yaml")):
        sc = load_scenario(f)
        params = {
            name: {"anyOf": [{"type": _PARAM_JSON[p.type]}, _EXPR], "description": f"{p.description}（既定値: {json.dumps(p.default, ensure_ascii=False, default=str)}）"}
            for name, p in sc.params.items()
        }
        out[sc.name] = {
            "type": "object",
            "description": f"{sc.title} の上書き設定",
            "properties": {"params": {"type": "object", "properties": params, "additionalProperties": False,
                                      "description": "上書きするパラメータ"}},
        }
    return out


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

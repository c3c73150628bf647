"""Static checks of a scenario before anything runs, reported the way a non-programmer needs.

Every problem carries file, line and column, a Japanese message, and where possible a
suggestion (``ブラウザを開く`` ではなく ``browser.open`` ですか?). All problems are reported at
once; a user mistake never surfaces as a Python traceback.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from runner.scenario.expr import VAR, names_in
from runner.scenario.model import Scenario, Step
from runner.scenario.positions import locate, node_positions

BUILTIN_NAMES = {"params", "municipality", "municipalities", "run"}
_SECRET_KEYS = re.compile(r"(password|passwd|pwd|パスワード|暗証|token|api_?key|secret_value)", re.I)
_SECRET_ARG_OK = {"password_secret", "secret"}
_PARAM_REF = re.compile(r"params\.([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


_PYDANTIC_JA = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目はありません",
    "string_type": "文字列で書いてください",
    "int_type": "整数で書いてください",
    "int_parsing": "整数で書いてください",
    "float_parsing": "数値で書いてください",
    "float_type": "数値で書いてください",
    "bool_parsing": "true か false で書いてください",
    "list_type": "リスト（- で始まる行、または [a, b]）で書いてください",
    "dict_type": "「名前: 値」の形で書いてください",
    "literal_error": "使える値は {expected} です",
    "string_pattern_mismatch": "使えない文字が含まれています（半角英数字と _ ）",
    "too_short": "1つ以上必要です",
    "greater_than_equal": "{ge} 以上にしてください",
    "less_than_equal": "{le} 以下にしてください",
    "greater_than": "{gt} より大きくしてください",
    "model_type": "「名前: 値」の形で書いてください",
}
_FIELD_HINTS = {"with": "with", "as": "as"}


def _ja(err: dict[str, Any]) -> str:
    tmpl = _PYDANTIC_JA.get(err["type"])
    if tmpl is None:
        return str(err.get("msg", ""))
    try:
        return tmpl.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return tmpl


def _model_field_names(model: type) -> list[str]:
    names = []
    for name, f in model.model_fields.items():
        names.append(f.alias or name)
    return names


def check_scenario(data: Any, path: Path | str = "<scenario>", text: str | None = None) -> list[Problem]:
    """All problems found in ``data`` (the parsed YAML of a scenario); ``text`` gives positions."""
    file = str(path)
    pos = node_positions(text) if text else {}
    at = lambda p: locate(pos, p)  # noqa: E731
    problems: list[Problem] = []

    def add(p: tuple, msg: str) -> None:
        line, col = at(p)
        problems.append(Problem(file, line, col, msg))

    if not isinstance(data, dict):
        add((), "シナリオの先頭は「name:」「title:」「steps:」などの項目である必要があります。")
        return problems
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(_alias(x) for x in err["loc"])
            msg = _ja(err)
            if err["type"] == "extra_forbidden":
                parent = _model_for(loc[:-1])
                close = difflib.get_close_matches(str(loc[-1]), _model_field_names(parent), n=1, cutoff=0.5) if parent else []
                msg = f"項目「{loc[-1]}」はありません。" + (f"「{close[0]}」ですか?" if close else "")
            add(loc, f"{_dotted(loc)}: {msg}")
        return problems
    from robots import all_actions

    actions = all_actions()
    titles = {spec.title: spec.name for spec in actions.values()}
    declared = set(scenario.params)
    _check_steps(scenario.steps, ("steps",), scenario, actions, titles, set(BUILTIN_NAMES), declared, add, set())
    return problems


def _alias(x: Any) -> Any:
    return {"with_": "with", "as_": "as"}.get(x, x)


def _dotted(loc: tuple) -> str:
    out = ""
    for x in loc:
        out += f"[{x + 1}番目]" if isinstance(x, int) else (("." if out else "") + str(x))
    return out or "(先頭)"


def _model_for(loc: tuple) -> type | None:
    from runner.scenario.model import Param, Retry

    if not loc:
        return Scenario
    if loc[-1] == "retry":
        return Retry
    if isinstance(loc[-1], int) and "steps" in loc:
        return Step
    if len(loc) == 2 and loc[0] == "params":
        return Param
    return None


def _check_steps(steps: list[Step], where: tuple, sc: Scenario, actions: dict, titles: dict, known: set[str],
                 declared: set[str], add: Any, seen_ids: set[str]) -> None:
    all_ids_here = [s.id for s in steps if s.id]
    for i, step in enumerate(steps):
        loc = (*where, i)
        label = f"{_dotted(loc)}" + (f"（{step.id}）" if step.id else "")
        if step.id:
            if step.id in seen_ids:
                add((*loc, "id"), f"{label}: ステップ名「{step.id}」が重複しています。別の名前にしてください。")
            if step.id in BUILTIN_NAMES:
                add((*loc, "id"), f"{label}: 「{step.id}」は予約された名前です。別の名前にしてください。")
            seen_ids.add(step.id)
        texts: list[tuple[tuple, str]] = [((*loc, "with", *k), v) for k, v in _strings(step.with_)]
        texts += [((*loc, key), val) for key, val in (("when", step.when), ("for_each", step.for_each)) if val]
        later = {s for s in all_ids_here[i:] if s}
        for p, t in texts:
            for name in sorted(names_in(t) - known):
                if step.id and name == step.id:
                    add(p, f"{label}: ステップ「{name}」が自分自身の結果を参照しています（循環参照）。")
                elif name in later:
                    add(p, f"{label}: 「{name}」はこのステップより後のステップの結果です。順番を入れ替えてください（循環参照）。")
                else:
                    close = difflib.get_close_matches(name, sorted(known), n=1)
                    hint = f"「{close[0]}」のことですか?" if close else "前のステップの id かパラメータ名を確認してください。"
                    add(p, f"{label}: 変数「{name}」が定義されていません。{hint}")
            for m in VAR.finditer(t):
                try:
                    ast.parse(m.group(1).strip(), mode="eval")
                except SyntaxError:
                    add(p, f"{label}: 式「${{{m.group(1)}}}」の書き方に誤りがあります（例: ${{params.year}} / ${{m.code}}）。")
                    continue
                for pname in _PARAM_REF.findall(m.group(1)):
                    if pname not in declared:
                        close = difflib.get_close_matches(pname, sorted(declared), n=1)
                        add(p, f"{label}: パラメータ「{pname}」は params に定義されていません。" + (f"「{close[0]}」ですか?" if close else ""))
        if step.action and step.for_each:
            add((*loc, "for_each"), f"{label}: action と for_each は同じステップに書けません。")
        elif step.for_each:
            if not step.steps:
                add(loc, f"{label}: for_each には steps（繰り返す手順）が必要です。")
            else:
                _check_steps(step.steps, (*loc, "steps"), sc, actions, titles, known | {step.as_}, declared, add, seen_ids)
                inner = known | {step.as_} | {s.id for s in step.steps if s.id}
                for p, t in _strings(step.collect, (*loc, "collect")):
                    for name in sorted(names_in(t) - inner):
                        close = difflib.get_close_matches(name, sorted(inner), n=1)
                        add(p, f"{label}: collect の変数「{name}」が繰り返しの中で定義されていません。"
                               + (f"「{close[0]}」のことですか?" if close else ""))
        elif step.action:
            _check_action(step, loc, label, sc, actions, titles, add)
        else:
            add(loc, f"{label}: action（実行するアクション）か for_each（繰り返し）のどちらかが必要です。")
        if step.steps and not step.for_each:
            add((*loc, "steps"), f"{label}: steps は for_each と一緒に使います。")
        if step.retry is not None and step.on_error != "retry":
            add((*loc, "retry"), f"{label}: retry を使うときは on_error: retry にしてください。")
        if step.id:
            known = known | {step.id}


def _check_action(step: Step, loc: tuple, label: str, sc: Scenario, actions: dict, titles: dict, add: Any) -> None:
    spec = actions.get(step.action or "")
    if spec is None:
        guess = titles.get(step.action or "") or next((n for t, n in titles.items() if step.action and step.action in t), None)
        if guess is None:
            close = difflib.get_close_matches(step.action or "", list(actions), n=1, cutoff=0.3)
            guess = close[0] if close else None
        hint = f"`{step.action}` ではなく `{guess}` ですか?" if guess else "kyodo actions で一覧を確認してください。"
        add((*loc, "action"), f"{label}: アクション「{step.action}」はありません。{hint}")
        return
    params = spec.parameters
    for arg, value in step.with_.items():
        if arg not in params:
            close = difflib.get_close_matches(arg, list(params), n=1)
            hint = f"`{arg}` ではなく `{close[0]}` ですか?" if close else f"使える引数: {', '.join(params)}"
            add((*loc, "with", arg), f"{label}: {step.action} に引数「{arg}」はありません。{hint}")
    for key, value in _strings(step.with_):
        name = str(key[-1]) if key else ""
        if _SECRET_KEYS.search(name) and name not in _SECRET_ARG_OK and isinstance(value, str) and not VAR.search(value):
            add((*loc, "with", *key), f"{label}: パスワードなどの秘密の値をシナリオに書いてはいけません（「{name}」）。"
                                      "kyodo secret set 名前 で登録し、password_secret: 名前 で指定してください。")
    for pname, p in params.items():
        if p.default is p.empty and pname not in step.with_:
            add((*loc, "with"), f"{label}: {step.action} の必須引数「{pname}」がありません。")
    if sc.zone not in spec.zones:
        add((*loc, "action"), f"{label}: {step.action} は {sc.zone} ネットワークでは使えません（使えるのは {', '.join(sorted(spec.zones))}）。"
                              "zone を見直すか、別のネットワークのシナリオに分けてください。")


def _strings(value: Any, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    out: list[tuple[tuple, str]] = []
    if isinstance(value, str):
        out.append((prefix, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            out += _strings(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _strings(v, (*prefix, i))
    return out

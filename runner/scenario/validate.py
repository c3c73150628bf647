"""Static checks of a scenario before anything runs, reported the way a non-programmer needs.

Every problem carries file, line and column, a Japanese message, and where possible a
suggestion (``ブラウザを開く`` ではなく ``browser.open`` ですか?). All problems are reported at
once — a structural mistake in one step does not hide an unknown action in another — and a
user mistake never surfaces as a Python traceback.

Entry points: :func:`validate_file` / :func:`validate_text` (YAML text → the validated
:class:`Scenario` or None, and every problem, including syntax errors and tabs, which
``kyodo.core.yamlfile`` explains for every YAML file) and :func:`check_scenario` (already parsed
data + text for positions).
"""

from __future__ import annotations

import ast
import difflib
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from kyodo.core.errors import BusinessError
from kyodo.core.messages import japanese_message
from kyodo.core.yamlfile import Problem, YamlProblems, parse_yaml_problems, read_yaml_text
from kyodo.core.zones import DEFAULT_ZONE, ZONES
from kyodo.robots import all_actions
from kyodo.runner.profiles import Profile
from kyodo.runner.scenario.expr import VAR, names_in
from kyodo.runner.scenario.model import Param, Retry, Scenario, Step
from kyodo.runner.scenario.params import coerce_param
from kyodo.runner.scenario.pathcheck import path_problems
from kyodo.runner.scenario.positions import Layout, layout, locate
from kyodo.runner.scenario.scope import BUILTIN_NAMES, MUNICIPALITY_FIELDS, RUN_FIELDS

__all__ = ["Problem", "check_scenario", "validate_file", "validate_text"]


# A key whose literal value would be a secret; ``password_secret`` / ``secret`` hold a *name*.
_SECRET_KEY = re.compile(r"(^|_)(password|passwd|pwd|pass|token|api_?key|secret_?key|access_?key|client_?secret|"
                         r"private_?key|secret_value)$|パスワード|暗証", re.I)
_SECRET_NAME_OK = {"password_secret", "secret", "secret_name"}
# Values that are secrets whatever their key: credentials in a URL, well-known token formats, keys.
_SECRET_VALUE = re.compile(
    r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"         # https://user:pass@host
    r"|\bAKIA[0-9A-Z]{16}\b"                          # AWS access key id
    r"|\b(ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}"  # GitHub tokens
    r"|\bsk-[A-Za-z0-9_-]{20,}"                       # API secret keys
    r"|\bxox[abpsr]-[A-Za-z0-9-]{10,}"                # Slack tokens
    r"|\bBearer\s+[A-Za-z0-9._~+/=-]{16,}"            # HTTP bearer tokens
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----",
)
_PASSWORD_FIELD = re.compile(r"pass|\bpw\b|#pw|pwd|パスワード|暗証", re.I)






# ── text level: encoding, YAML syntax, tabs (explained by kyodo.core.yamlfile) ─────────────────


def validate_file(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """Read and check one scenario file: (the validated scenario, or None when anything is wrong; every problem)."""
    try:
        text = read_yaml_text(path)
    except YamlProblems as exc:
        return None, exc.problems
    return validate_text(text, path)


def validate_text(text: str, path: str | Path = "<scenario>") -> tuple[Scenario | None, list[Problem]]:
    """Parse ``text`` safely and check it: (the validated scenario or None, every located problem)."""
    data, problems = parse_yaml_problems(text, str(path))
    if problems:
        return None, problems
    return _check(data, path, text)


# ── the scenario itself ────────────────────────────────────────────────────────────────────


@dataclass
class _Checker:
    file: str
    lay: Layout
    actions: dict[str, Any] = field(default_factory=dict)
    zone: str | None = None
    declared: set[str] = field(default_factory=set)
    seen_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: tuple, msg: str) -> None:
        line, col = locate(self.lay.positions, path)
        p = Problem(self.file, line, col, msg)
        if p not in self.problems:
            self.problems.append(p)


def check_scenario(data: Any, path: Path | str = "<scenario>", text: str | None = None) -> list[Problem]:
    """All problems found in ``data`` (the parsed YAML of a scenario); ``text`` gives positions."""
    return _check(data, path, text)[1]


def _check(data: Any, path: Path | str, text: str | None) -> tuple[Scenario | None, list[Problem]]:
    """(the validated scenario when there is no problem, else None; every problem, sorted)."""
    c = _Checker(str(path), layout(text) if text else Layout())
    for dup, (line, col) in c.lay.duplicates:
        c.problems.append(Problem(c.file, line, col, f"{_dotted(dup)}: 項目「{dup[-1]}」が2回書かれています。"
                                                     "後に書いた方だけが使われるので、1つにまとめてください。"))
    if not isinstance(data, dict):
        c.add((), "シナリオの先頭は「name:」「title:」「steps:」などの項目である必要があります。")
        return None, c.problems
    model: Scenario | None = None
    try:
        model = Scenario.model_validate(data)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [{**e, "loc": tuple(_alias(x) for x in e["loc"])} for e in exc.errors()]
        meant = {(*e["loc"][:-1], s) for e in errors if e["type"] == "extra_forbidden" for s in _close_field(e["loc"])}
        for err in errors:
            if not (err["type"] == "missing" and err["loc"] in meant):  # "titel" already says "title ですか?"
                _structure_problem(c, err)
    # Semantic checks run on whatever is well formed, so one typo does not hide the rest.
    c.actions = all_actions()
    c.zone = data.get("zone", DEFAULT_ZONE.value) if data.get("zone", DEFAULT_ZONE.value) in ZONES else None
    raw_params = data.get("params")
    params: dict[Any, Any] = raw_params if isinstance(raw_params, dict) else {}
    c.declared = {str(k) for k in params}
    _check_params(c, params)
    steps = data.get("steps")
    if isinstance(steps, list):
        _check_steps(c, steps, ("steps",), set(BUILTIN_NAMES), {"municipality": MUNICIPALITY_FIELDS, "run": RUN_FIELDS},
                     model.steps if model else None)
    c.problems += [p for p in path_problems(data, c.lay, c.file) if p not in c.problems]  # read/write folders
    for p, value in _strings(data):
        if _SECRET_VALUE.search(value) and not VAR.search(value):
            c.add(p, f"{_dotted(p)}: 秘密の値（URL内のパスワード・トークン・鍵）のように見えます。シナリオには書かず、"
                     "kyodo secret set 名前 で登録して、名前（password_secret / secret）で指定してください。")
    return (None if c.problems else model), sorted(c.problems)


def _field_names(loc: tuple) -> list[str]:
    parent = _model_for(loc)
    return [f.alias or n for n, f in parent.model_fields.items()] if parent else []


def _close_field(loc: tuple) -> list[str]:
    return difflib.get_close_matches(str(loc[-1]), _field_names(loc[:-1]), n=1, cutoff=0.5)


def _structure_problem(c: _Checker, err: dict[str, Any]) -> None:
    loc = err["loc"]
    if err["type"] == "extra_forbidden":
        close = _close_field(loc)
        msg = f"項目「{loc[-1]}」はありません。" + (f"「{close[0]}」ですか?" if close else f"書ける項目: {', '.join(_field_names(loc[:-1]))}")
    elif err["type"] == "missing":
        msg = f"必須の項目「{loc[-1]}」がありません。"
    else:
        msg = japanese_message(err)
    c.add(loc, f"{_dotted(loc)}: {msg}")


def _alias(x: Any) -> Any:
    return {"with_": "with", "as_": "as"}.get(x, x)


def _dotted(loc: tuple) -> str:
    out = ""
    for x in loc:
        out += f"[{x + 1}番目]" if isinstance(x, int) else (("." if out else "") + str(x))
    return out or "(先頭)"


def _model_for(loc: tuple) -> type[BaseModel] | None:
    if not loc:
        return Scenario
    if loc[-1] == "retry":
        return Retry
    if isinstance(loc[-1], int) and "steps" in loc:
        return Step
    if len(loc) == 2 and loc[0] == "params":
        return Param
    return None


def _check_params(c: _Checker, params: dict[Any, Any]) -> None:
    for name, p in params.items():
        if not isinstance(p, dict) or p.get("default") in (None, ""):
            continue
        default, typ = p["default"], p.get("type", "str")
        if _SECRET_KEY.search(str(name)) and str(name) not in _SECRET_NAME_OK:
            c.add(("params", name, "default"), f"params.{name}: パスワードなどの秘密の値をシナリオに書いてはいけません。"
                                               "kyodo secret set 名前 で登録し、シークレット名を指定してください。")
        if not _fits(typ, default):
            c.add(("params", name, "default"), f"params.{name}: 既定値「{default}」は {typ} 型として読めません。")


def _fits(typ: str, value: Any) -> bool:
    """Would a run plan accept ``value`` as a ``typ`` parameter? (its ``coerce_param`` is the one judge)"""
    try:
        coerce_param("", typ, value)
    except BusinessError:
        return False
    return True


def _check_steps(c: _Checker, steps: list[Any], where: tuple, known: set[str], shapes: dict[str, tuple],
                 models: list[Step] | None = None) -> None:
    """``models``: the same steps already validated (the whole scenario was well formed), else None."""
    ids_here = [s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None for s in steps]
    for i, raw in enumerate(steps):
        if not isinstance(raw, dict):
            continue  # reported by the structural check
        loc = (*where, i)
        sid = ids_here[i]
        nested = raw.get("steps") if isinstance(raw.get("steps"), list) else None
        label = _dotted(loc) + (f"（{sid}）" if sid else "")
        if sid:
            if sid in c.seen_ids:
                c.add((*loc, "id"), f"{label}: ステップ名「{sid}」が重複しています。別の名前にしてください。")
            if sid in BUILTIN_NAMES:
                c.add((*loc, "id"), f"{label}: 「{sid}」は予約された名前です。別の名前にしてください。")
            c.seen_ids.add(sid)
        step, dropped = (models[i], set()) if models is not None else _lenient_step(raw)
        if step is None:
            loop_var = raw.get("as", "item") if isinstance(raw.get("as", "item"), str) else "item"
            if nested:
                _check_steps(c, nested, (*loc, "steps"), known | {loop_var}, shapes)
            if sid:
                known = known | {sid}
            continue
        later = {s for s in ids_here[i:] if s}
        texts = [((*loc, "with", *k), v) for k, v in _strings(step.with_)]
        texts += [((*loc, key), val) for key, val in (("when", step.when), ("for_each", step.for_each)) if isinstance(val, str)]
        for p, t in texts:
            _check_text(c, p, t, label, sid, known, later, shapes)
        _check_secrets(c, step, loc, label)
        if step.action and step.for_each:
            c.add((*loc, "for_each"), f"{label}: action と for_each は同じステップに書けません。")
        elif step.for_each:
            if not nested:
                c.add(loc, f"{label}: for_each には steps（繰り返す手順）が必要です。")
            else:
                item_shape = MUNICIPALITY_FIELDS if step.for_each.strip() == "${municipalities}" else None
                inner_shapes = {k: v for k, v in shapes.items() if k != step.as_}
                if item_shape:
                    inner_shapes[step.as_] = item_shape
                _check_steps(c, nested, (*loc, "steps"), known | {step.as_}, inner_shapes,
                             step.steps if models is not None else None)
                inner = known | {step.as_} | {s["id"] for s in nested if isinstance(s, dict) and isinstance(s.get("id"), str)}
                for p, t in _strings(step.collect, (*loc, "collect")):
                    for name in sorted(names_in(t) - inner):
                        close = meant(name, sorted(inner - BUILTIN_NAMES))
                        c.add(p, f"{label}: collect の変数「{name}」が繰り返しの中で定義されていません。"
                                 + (f"「{close[0]}」のことですか?" if close else ""))
        elif step.action:
            _check_action(c, step, loc, label)
        elif not dropped & {"action", "for_each"}:
            c.add(loc, f"{label}: action（実行するアクション）か for_each（繰り返し）のどちらかが必要です。")
        if nested is not None and not step.for_each:
            c.add((*loc, "steps"), f"{label}: steps は for_each と一緒に使います。")
        if step.retry is not None and step.on_error != "retry":
            c.add((*loc, "retry"), f"{label}: retry を使うときは on_error: retry にしてください。")
        if sid:
            known = known | {sid}


def meant(name: str, candidates: list[str]) -> list[str]:
    """The name probably meant: a close spelling, else the one name ``name`` abbreviates (``p`` → ``proc``)."""
    close = difflib.get_close_matches(name, candidates, n=1)
    if close:
        return close
    starts = [c for c in candidates if c not in BUILTIN_NAMES and (c.startswith(name) or name.startswith(c) and len(c) > 1)]
    return starts[:1] if len(starts) == 1 else []


def _lenient_step(raw: dict[str, Any]) -> tuple[Step | None, set[str]]:
    """The step without its malformed fields (already reported), so the rest is still checked."""
    fields = {k: v for k, v in raw.items() if k != "steps"}
    dropped: set[str] = set()
    for _ in range(3):
        try:
            return Step.model_validate(fields), dropped
        except ValidationError as exc:
            bad = {str(_alias(e["loc"][0])) for e in exc.errors() if e["loc"]}
            if not bad or not bad & set(fields):
                break
            dropped |= bad
            fields = {k: v for k, v in fields.items() if k not in bad}
    return None, dropped


def _check_text(c: _Checker, p: tuple, t: str, label: str, sid: str | None, known: set[str], later: set[str],
                shapes: dict[str, tuple]) -> None:
    """Variables in one string: defined, not self/forward references, fields that exist."""
    for name in sorted(names_in(t) - known):
        if sid and name == sid:
            c.add(p, f"{label}: ステップ「{name}」が自分自身の結果を参照しています（循環参照）。")
        elif name in later:
            c.add(p, f"{label}: 「{name}」はこのステップより後のステップの結果です。順番を入れ替えてください（循環参照）。")
        else:
            close = meant(name, sorted(known))
            hint = f"「{close[0]}」のことですか?" if close else "前のステップの id かパラメータ名を確認してください。"
            c.add(p, f"{label}: 変数「{name}」が定義されていません。{hint}")
    for m in VAR.finditer(t):
        try:
            tree = ast.parse(m.group(1).strip(), mode="eval")
        except SyntaxError:
            c.add(p, f"{label}: 式「${{{m.group(1)}}}」の書き方に誤りがあります（例: ${{params.year}} / ${{m.code}}）。")
            continue
        for chain in _attr_chains(tree):
            head, rest = chain[0], chain[1:]
            if head == "params":
                _check_param_name(c, p, label, rest[0])
            elif head in shapes and head in known:
                if rest[0] not in shapes[head]:
                    close = difflib.get_close_matches(rest[0], shapes[head], n=1)
                    c.add(p, f"{label}: 「{head}.{rest[0]}」はありません。"
                             + (f"「{head}.{close[0]}」ですか?" if close else f"使える名前: {', '.join(shapes[head])}"))
                elif rest[0] == "params" and len(rest) > 1:
                    _check_param_name(c, p, label, rest[1])
                elif rest[0] == "profile" and len(rest) > 1:
                    _check_profile_path(c, p, label, head, rest[1:])


def _check_profile_path(c: _Checker, p: tuple, label: str, head: str, path: list[str]) -> None:
    """``m.profile.login.pth`` → 「login.path」ですか? (the profile's own fields, kyodo.runner.profiles.Profile)."""
    model: Any = Profile
    for depth, name in enumerate(path):
        fields = {f.alias or n: f for n, f in model.model_fields.items() if n != "extends"}
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=1)
            where = ".".join([head, "profile", *path[:depth]])
            c.add(p, f"{label}: 「{where}.{name}」はプロファイルにありません。"
                     + (f"「{where}.{close[0]}」ですか?" if close else f"使える名前: {', '.join(fields)}"))
            return
        ann = fields[name].annotation
        if not (isinstance(ann, type) and hasattr(ann, "model_fields")):
            return  # a value (or a mapping of the product's own names): nothing further to check
        model = ann


def _check_param_name(c: _Checker, p: tuple, label: str, name: str) -> None:
    if name not in c.declared:
        close = difflib.get_close_matches(name, sorted(c.declared), n=1)
        c.add(p, f"{label}: パラメータ「{name}」は params に定義されていません。" + (f"「{close[0]}」ですか?" if close else ""))


def _attr_chains(tree: ast.AST) -> list[list[str]]:
    """``a.b.c`` → ["a", "b", "c"] for every outermost attribute chain rooted at a name."""
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    chains: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts: list[str] = []
            cur: ast.expr = node
            while isinstance(cur, ast.Attribute):
                parts.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name):
                chains.append([cur.id, *reversed(parts)])
    return chains


def _check_secrets(c: _Checker, step: Step, loc: tuple, label: str) -> None:
    """Passwords belong in the secret store; the scenario names them (password_secret / secret)."""
    for key, value in _scalars(step.with_):
        name = str(key[-1]) if key else ""
        literal = isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) != "" and not VAR.search(str(value))
        if literal and _SECRET_KEY.search(name) and name not in _SECRET_NAME_OK:
            c.add((*loc, "with", *key), f"{label}: パスワードなどの秘密の値をシナリオに書いてはいけません（「{name}」）。"
                                        "kyodo secret set 名前 で登録し、password_secret: 名前 で指定してください。")
    spec = c.actions.get(step.action or "")
    value = step.with_.get("value")
    if spec and "secret" in spec.parameters and isinstance(value, (str, int)) and not VAR.search(str(value)):
        if any(_PASSWORD_FIELD.search(str(v)) for k, v in step.with_.items() if k != "value"):
            c.add((*loc, "with", "value"), f"{label}: パスワード欄に値を直接書いてはいけません。kyodo secret set 名前 で登録し、"
                                           "value ではなく secret: 名前 で指定してください。")


def _check_action(c: _Checker, step: Step, loc: tuple, label: str) -> None:
    spec = c.actions.get(step.action or "")
    if spec is None:
        guess = _guess_action(step.action or "", c.actions)
        hint = f"`{step.action}` ではなく `{guess}` ですか?" if guess else "kyodo actions で一覧を確認してください。"
        c.add((*loc, "action"), f"{label}: アクション「{step.action}」はありません。{hint}")
        return
    params = spec.parameters
    meant: set[str] = set()  # a misspelt argument is not also reported as missing
    for arg in step.with_:
        if arg not in params:
            close = difflib.get_close_matches(str(arg), [p for p in params if p not in step.with_], n=1)
            meant.update(close)
            hint = f"`{arg}` ではなく `{close[0]}` ですか?" if close else f"使える引数: {', '.join(params)}"
            c.add((*loc, "with", arg), f"{label}: {step.action} に引数「{arg}」はありません。{hint}")
        elif not _has_expr(step.with_[arg]):
            check = _arg_checker(spec.name, arg)
            if check is not None:
                for err in check(step.with_[arg]):
                    sub = tuple(_alias(x) for x in err["loc"])
                    c.add((*loc, "with", arg, *sub), f"{label}: {step.action} の引数「{arg}」: {japanese_message(err)}。")
    for pname, p in params.items():
        if p.default is p.empty and pname not in step.with_ and pname not in meant:
            c.add((*loc, "with"), f"{label}: {step.action} の必須引数「{pname}」がありません。")
    if c.zone and c.zone not in spec.zones:
        c.add((*loc, "action"), f"{label}: {step.action} は {c.zone} ネットワークでは使えません（使えるのは {', '.join(sorted(spec.zones))}）。"
                                "zone を見直すか、別のネットワークのシナリオに分けてください。")


def _guess_action(written: str, actions: dict[str, Any]) -> str | None:
    """The action a DX leader most likely meant: by Japanese title first, then by name."""
    if not written:
        return None
    titles = {spec.title: name for name, spec in actions.items()}
    if written in titles:
        return titles[written]
    partial = [n for t, n in titles.items() if written in t or t in written]
    if len(partial) == 1:
        return partial[0]
    close = difflib.get_close_matches(written, list(titles), n=1, cutoff=0.5)
    if close:
        return titles[close[0]]
    close = difflib.get_close_matches(written, list(actions), n=1, cutoff=0.3)
    return close[0] if close else (partial[0] if partial else None)


@lru_cache(maxsize=512)
def _arg_checker(action: str, arg: str) -> Callable[[Any], list[ErrorDetails]] | None:
    """Validate a literal argument the way the engine will (pydantic, lax), without running anything."""
    spec = all_actions().get(action)
    try:
        hint = typing.get_type_hints(spec.func).get(arg) if spec else None
        if hint is None or hint is Any:
            return None
        adapter = TypeAdapter(hint, config=ConfigDict(arbitrary_types_allowed=True))
    except Exception:  # an annotation pydantic cannot handle: the engine will judge at run time
        return None

    def check(value: Any) -> list[ErrorDetails]:
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            return exc.errors()[:3]
        except Exception:
            return []
        return []

    return check


def _has_expr(value: Any) -> bool:
    return any(VAR.search(s) for _, s in _strings(value))


def _strings(value: Any, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    return [(p, v) for p, v in _scalars(value, prefix) if isinstance(v, str)]


def _scalars(value: Any, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    out: list[tuple[tuple, Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _scalars(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _scalars(v, (*prefix, i))
    else:
        out.append((prefix, value))
    return out

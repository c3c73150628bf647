"""``kyodo registry validate``: every mistake in a registry, its profiles and municipality files, located.

The registry loader stops at the first structural problem and only says which field; a DX leader
editing ``config/municipalities.yaml``, a profile in ``config/profiles/`` or a municipality file
needs all of them at once as ``file:line:column`` with a Japanese message and, for a misspelt
name, the name that was meant. Nothing here runs anything or touches a portal.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.core.messages import japanese_message
from kyodo.core.yamlfile import (
    Problem,
    YamlProblems,
    expand_env,
    parse_yaml_problems,
    read_yaml_text,
)
from kyodo.runner.profiles import Profile, deep_merge, profile_files, resolve_raw
from kyodo.runner.registry import Municipality, Registry
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.scenario.overlay import check_overlay, overlay_dir
from kyodo.runner.scenario.params import coerce_param
from kyodo.runner.scenario.positions import layout, locate
from kyodo.runner.scheduler.triggers import parse_schedule


class _Doc:
    """One YAML file read once: its data and where each node is."""

    def __init__(self, path: Path) -> None:
        self.path, self.data, self.problems = path, None, []
        try:
            text = expand_env(read_yaml_text(path))
        except YamlProblems as exc:
            self.problems = list(exc.problems)
            return
        self.data, self.problems = parse_yaml_problems(text, str(path))
        self.positions = layout(text).positions if not self.problems else {}

    def at(self, loc: tuple, message: str) -> Problem:
        line, col = locate(self.positions, loc)
        return Problem(str(self.path), line, col, message)


def _dotted(loc: tuple) -> str:
    return ".".join(f"[{x + 1}]" if isinstance(x, int) else str(x) for x in loc).replace(".[", "[")


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that the mapping at ``loc`` is validated with (for 「…」ですか? suggestions)."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        if part not in fields:
            return None
        ann = fields[part].annotation
        args = getattr(ann, "__args__", ())
        ann = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if ann is None:
            return None
        model = ann
    return model


def _pydantic_problems(doc: _Doc, exc: ValidationError, root: type[BaseModel], prefix: tuple = (),
                       only_in: Any = None) -> list[Problem]:
    """Located, Japanese problems from a pydantic error (``only_in``: report only locations present in that data)."""
    out = []
    for e in exc.errors():
        loc = tuple(e["loc"])
        if only_in is not None and not _has(only_in, loc):
            continue
        if e["type"] == "extra_forbidden":
            model = _model_at(root, loc[:-1])
            names = [f.alias or n for n, f in model.model_fields.items()] if model else []
            close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.5)
            msg = f"項目「{loc[-1]}」はありません。" + (f"「{close[0]}」ですか?" if close else f"書ける項目: {', '.join(names)}")
        elif e["type"] == "missing":
            msg = f"必須の項目「{loc[-1]}」がありません。"
        else:
            msg = japanese_message(e)
        name = _dotted((*prefix, *loc))
        out.append(doc.at((*prefix, *loc), f"{name}: {msg}" if name else msg))
    return out


def _has(data: Any, loc: tuple) -> bool:
    for part in loc:
        if isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def check_profiles(registry_path: Path, inline: dict[str, Any], reg_doc: _Doc) -> tuple[dict[str, dict], list[Problem]]:
    """Every profile file (and the registry's inline profiles): shape, unknown keys, extends."""
    problems: list[Problem] = []
    bodies: dict[str, dict] = {}
    docs: dict[str, tuple[_Doc, tuple]] = {}
    for f in profile_files(registry_path):
        doc = _Doc(f)
        problems += doc.problems
        if doc.problems:
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.at((), "プロファイルは「login:」「export:」などの項目で書いてください。"))
            continue
        bodies[f.stem], docs[f.stem] = doc.data, (doc, ())
    for name, body in (inline or {}).items():
        bodies[str(name)], docs[str(name)] = body if isinstance(body, dict) else {}, (reg_doc, ("profiles", name))
    for name, (doc, prefix) in docs.items():
        body = bodies[name]
        parent = body.get("extends")
        if parent is not None and str(parent) not in bodies:
            close = difflib.get_close_matches(str(parent), list(bodies), n=1)
            problems.append(doc.at((*prefix, "extends"), f"extends: プロファイル「{parent}」はありません。"
                                   + (f"「{close[0]}」ですか?" if close else f"使えるプロファイル: {', '.join(sorted(bodies))}")))
            parent = None  # still check the rest of the file on its own
        try:
            Profile.model_validate(deep_merge(resolve_raw(str(parent), bodies), body) if parent else body)
        except ValidationError as exc:
            problems += _pydantic_problems(doc, exc, Profile, prefix, only_in=body)  # errors from a base: at its file
        except KyodoError as exc:
            problems.append(doc.at((*prefix, "extends"), exc.message))
    return bodies, problems


def check_registry(path: str | Path, scenarios: dict[str, Scenario]) -> list[Problem]:
    """Every problem in the registry at ``path``, its profiles and its municipality files (sorted, de-duplicated)."""
    path = Path(path)
    doc = _Doc(path)
    if doc.problems:
        return doc.problems
    data = doc.data
    if not isinstance(data, dict) or "municipalities" not in data:
        return [doc.at((), "自治体台帳は「prefecture:」と「municipalities:」で始まるファイルです。"
                           "シナリオなら kyodo scenario validate で確認してください。")]
    problems: list[Problem] = []
    try:
        Registry.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(doc, exc, Registry)
    bodies, found = check_profiles(path, data.get("profiles") or {}, doc)
    problems += found
    problems += _check_municipalities(doc, _valid_entries(data), data, bodies, scenarios)
    folder = overlay_dir(path)
    for f in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        problems += [_as_problem(p) for p in check_overlay(f, scenarios)]
    return sorted(set(problems))


def _as_problem(text: str) -> Problem:
    """``file:line:col: message`` (what check_overlay returns) as a Problem."""
    m = re.match(r"^(.*?):(\d+):(\d+): (.*)$", text, re.DOTALL)
    return Problem(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)) if m else Problem("", 1, 1, text)


def _valid_entries(data: dict) -> list[tuple[tuple, Municipality]]:
    """Each well-formed entry (prefecture and municipalities) with its location; broken ones are already reported."""
    raw: list[tuple[tuple, Any]] = [(("prefecture",), data.get("prefecture"))]
    if isinstance(data.get("municipalities"), list):
        raw += [(("municipalities", i), m) for i, m in enumerate(data["municipalities"])]
    out = []
    for loc, body in raw:
        try:
            out.append((loc, Municipality.model_validate(body)))
        except ValidationError:
            continue
    return out


def _check_municipalities(doc: _Doc, entries: list[tuple[tuple, Municipality]], data: dict, bodies: dict[str, dict],
                          scenarios: dict[str, Scenario]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for base, m in entries:
        if m.code in seen:
            problems.append(doc.at((*base, "code"), f"自治体コード「{m.code}」が重複しています。"))
        seen.add(m.code)
    default = data.get("default_profile")
    if default and str(default) not in bodies:
        problems.append(_unknown_profile(doc, ("default_profile",), str(default), bodies))
    for base, m in entries:
        name = m.profile or (default if m.portal_url else None)
        if m.profile and m.profile not in bodies:
            problems.append(_unknown_profile(doc, (*base, "profile"), m.profile, bodies))
        elif name in bodies and m.profile_overrides:
            try:
                Profile.model_validate(deep_merge(resolve_raw(name, bodies), m.profile_overrides))
            except ValidationError as exc:
                problems += _pydantic_problems(doc, exc, Profile, (*base, "profile_overrides"), only_in=m.profile_overrides)
            except KyodoError:
                pass  # reported at the profile file
        problems += _check_uses(doc, base, m, scenarios)
    return problems


def _unknown_profile(doc: _Doc, loc: tuple, name: str, bodies: dict) -> Problem:
    close = difflib.get_close_matches(name, list(bodies), n=1)
    return doc.at(loc, f"{_dotted(loc)}: プロファイル「{name}」はありません。"
                       + (f"「{close[0]}」ですか?" if close else f"使えるプロファイル: {', '.join(sorted(bodies)) or '（なし: config/profiles/ に置きます）'}"))


def _check_uses(doc: _Doc, base: tuple, m: Municipality, scenarios: dict[str, Scenario]) -> list[Problem]:
    """Schedules and overrides name scenarios and parameters that exist, and schedules can be read."""
    problems = []
    for j, s in enumerate(m.schedules):
        loc = (*base, "schedules", j)
        if s.scenario not in scenarios:
            problems.append(_unknown_scenario(doc, (*loc, "scenario"), s.scenario, scenarios))
        try:
            parse_schedule(s.when, frozenset(m.closure_days))
        except KyodoError as exc:
            problems.append(doc.at((*loc, "when"), f"{_dotted((*loc, 'when'))}: {exc.message}"))
        except Exception as exc:  # noqa: BLE001 - any unreadable schedule is reported, never raised
            problems.append(doc.at((*loc, "when"), f"{_dotted((*loc, 'when'))}: 「{s.when}」を読めません（{exc}）。"))
        problems += _unknown_params(doc, (*loc, "params"), s.scenario, s.params, scenarios)
    for name, body in m.overrides.items():
        loc = (*base, "overrides", name)
        if name not in scenarios:
            problems.append(_unknown_scenario(doc, loc, name, scenarios))
            continue
        extra = [k for k in (body or {}) if k != "params"]
        for k in extra:
            problems.append(doc.at((*loc, k), f"{_dotted((*loc, k))}: 項目「{k}」はありません（書けるのは params だけです）。"))
        problems += _unknown_params(doc, (*loc, "params"), name, (body or {}).get("params") or {}, scenarios)
    return problems


def _unknown_scenario(doc: _Doc, loc: tuple, name: str, scenarios: dict[str, Scenario]) -> Problem:
    close = difflib.get_close_matches(name, list(scenarios), n=1)
    return doc.at(loc, f"{_dotted(loc)}: シナリオ「{name}」はありません。" + (f"「{close[0]}」ですか?" if close else ""))


def _unknown_params(doc: _Doc, loc: tuple, scenario: str, params: dict, scenarios: dict[str, Scenario]) -> list[Problem]:
    sc = scenarios.get(scenario)
    if sc is None:
        return []
    out = []
    for k, v in (params or {}).items():
        if k not in sc.params:
            close = difflib.get_close_matches(str(k), list(sc.params), n=1)
            out.append(doc.at((*loc, k), f"{_dotted((*loc, k))}: {scenario} にパラメータ「{k}」はありません。"
                                          + (f"「{close[0]}」ですか?" if close else f"使えるパラメータ: {', '.join(sc.params)}")))
            continue
        try:
            coerce_param(str(k), sc.params[k].type, v)
        except BusinessError as exc:
            out.append(doc.at((*loc, k), f"{_dotted((*loc, k))}: {exc.message}"))
    return out


__all__ = ["check_profiles", "check_registry"]

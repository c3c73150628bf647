"""The effective scenario for one municipality, with where each parameter value came from.

Precedence, lowest first:

1. the scenario's ``params`` defaults (the standard, shared by everyone);
2. the municipality's ``overrides`` in the registry (``config/municipalities.yaml``, kept by
   the prefecture);
3. the municipality's own file ``<registry folder>/municipalities/<code>.yaml`` (kept by the
   municipality's DX leader: one file per municipality, so each town edits only its own and a
   review shows exactly one town's differences);
4. a schedule entry's ``params``;
5. ``--param`` on the command line.

A municipality file has the same shape as a registry ``overrides`` entry::

    e_application_aggregation:
      params:
        column_map: {申請者名: 申請者氏名}

:func:`apply_overlay_files` merges the files into ``Municipality.overrides`` so the rest of the
runner (``runner.plan.effective_params``) sees one merged layer.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runner.registry import Municipality, Registry
from runner.scenario.model import Scenario

SCENARIO_DEFAULT = "シナリオ既定値"
REGISTRY = "自治体台帳（overrides）"
MUNICIPALITY_FILE = "自治体ファイル"
SCHEDULE = "スケジュール"
COMMAND = "コマンド（--param）"


class ScenarioOverlay(BaseModel):
    """What a municipality changes in one standard scenario."""

    model_config = ConfigDict(extra="forbid")

    params: dict[str, Any] = Field(default_factory=dict, description="上書きするパラメータ（名前: 値）")


def overlay_dir(registry_path: str | Path) -> Path:
    """``config/municipalities.yaml`` → ``config/municipalities/``."""
    p = Path(registry_path)
    return p.parent / p.stem


def overlay_file(registry_path: str | Path, code: str) -> Path:
    return overlay_dir(registry_path) / f"{code}.yaml"


def _parse_overlay(path: Path) -> tuple[dict[str, ScenarioOverlay], list[str]]:
    """Overlays and located Japanese problems (``file:line:col: message``) from one municipality file."""
    from robots.errors import KyodoError
    from runner.scenario.positions import layout, locate
    from runner.scenario.validate import _ja
    from runner.yamlfile import load_yaml

    try:
        data = load_yaml(path) or {}
    except KyodoError as exc:
        return {}, [str(exc)]
    pos = layout(path.read_text(encoding="utf-8-sig")).positions
    at = lambda loc: "{}:{}:{}".format(path, *locate(pos, loc))  # noqa: E731
    if not isinstance(data, dict):
        return {}, [f"{at(())}: 自治体ファイルは「シナリオ名: {{params: {{...}}}}」の形で書いてください。"]
    out, problems = {}, []
    for name, body in data.items():
        try:
            out[str(name)] = ScenarioOverlay.model_validate(body or {})
        except ValidationError as exc:
            for e in exc.errors():
                loc = (name, *e["loc"])
                msg = _ja(e)
                if e["type"] == "extra_forbidden":
                    msg = f"項目「{loc[-1]}」はありません（書けるのは params だけです）。"
                problems.append(f"{at(loc)}: {'.'.join(map(str, loc))}: {msg}")
    return out, problems


def read_overlay(path: Path) -> dict[str, ScenarioOverlay]:
    """Scenario name → overlay from one municipality file; problems become one BusinessError."""
    from robots.errors import BusinessError

    out, problems = _parse_overlay(path)
    if problems:
        raise BusinessError("自治体ファイルに誤りがあります:\n" + "\n".join(f"  - {p}" for p in problems), where=str(path),
                            hint="例: e_application_aggregation: {params: {column_map: {申請者名: 申請者氏名}}}")
    return out


def check_overlay(path: Path, scenarios: dict[str, Scenario]) -> list[str]:
    """Every problem in a municipality file: its name, its shape, unknown scenarios and parameters."""
    from runner.registry import lg_code_valid
    from runner.scenario.positions import layout, locate

    problems = []
    if not lg_code_valid(path.stem):
        problems.append(f"{path}:1:1: ファイル名は自治体コード（検査数字付きの6桁、例: 352021.yaml）にしてください。")
    overlays, shape = _parse_overlay(path)
    problems += shape
    pos = layout(path.read_text(encoding="utf-8-sig")).positions if path.is_file() and not shape else {}
    at = lambda loc: "{}:{}:{}".format(path, *locate(pos, loc))  # noqa: E731
    for name, ov in overlays.items():
        sc = scenarios.get(name)
        if sc is None:
            close = difflib.get_close_matches(name, list(scenarios), n=1)
            problems.append(f"{at((name,))}: シナリオ「{name}」はありません。" + (f"「{close[0]}」ですか?" if close else ""))
            continue
        for p in ov.params:
            if p not in sc.params:
                close = difflib.get_close_matches(p, list(sc.params), n=1)
                problems.append(f"{at((name, 'params', p))}: {name} にパラメータ「{p}」はありません。"
                                + (f"「{close[0]}」ですか?" if close else f"使えるパラメータ: {', '.join(sc.params)}"))
    return problems


def apply_overlay_files(registry: Registry, registry_path: str | Path) -> Registry:
    """Merge each ``municipalities/<code>.yaml`` over that municipality's registry overrides (idempotent)."""
    folder = overlay_dir(registry_path)
    if not folder.is_dir():
        return registry
    for m in [registry.prefecture, *registry.municipalities]:
        f = folder / f"{m.code}.yaml"
        if f.is_file():
            for name, ov in read_overlay(f).items():
                entry = dict(m.overrides.get(name, {}))
                entry["params"] = {**entry.get("params", {}), **ov.params}
                m.overrides[name] = entry
    return registry


@dataclass
class ParamValue:
    name: str
    value: Any
    source: str  # one of the layer labels above


def effective_view(scenario: Scenario, muni: Municipality, schedule: dict[str, Any] | None = None,
                   cli: dict[str, Any] | None = None, file_params: dict[str, Any] | None = None) -> list[ParamValue]:
    """Each parameter's effective value and the layer it came from.

    ``muni.overrides`` is the merged registry layer (files included once applied);
    ``file_params`` are the municipality file's own values, used only to name their source.
    """
    over = muni.overrides.get(scenario.name, {}).get("params", {})
    file_params = file_params or {}
    out = []
    for name, p in scenario.params.items():
        value, source = p.default, SCENARIO_DEFAULT
        if name in over:
            value = over[name]
            source = MUNICIPALITY_FILE if name in file_params and file_params[name] == value else REGISTRY
        for layer, label in ((schedule or {}, SCHEDULE), (cli or {}, COMMAND)):
            if name in layer:
                value, source = layer[name], label
        out.append(ParamValue(name, value, source))
    return out


def file_params_for(registry_path: str | Path, code: str, scenario: str) -> tuple[Path | None, dict[str, Any]]:
    """The municipality file (if any) and its params for ``scenario``."""
    f = overlay_file(registry_path, code)
    if not f.is_file():
        return None, {}
    ov = read_overlay(f).get(scenario)
    return f, (ov.params if ov else {})


def files_applied(muni: Municipality, scenario: str, file_params: dict[str, Any]) -> bool:
    """Does the loaded registry already carry the municipality file's values (i.e. runs use them)?"""
    over = muni.overrides.get(scenario, {}).get("params", {})
    return all(k in over and over[k] == v for k, v in file_params.items())

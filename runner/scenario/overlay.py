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
runner (``kyodo.runner.plan.effective_params``) sees one merged layer.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kyodo.core.errors import BusinessError
from kyodo.core.lgcode import lg_code_valid
from kyodo.core.messages import japanese_message
from kyodo.core.yamlfile import YamlProblems, expand_env, parse_yaml, read_yaml_text
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.scenario.params import coerce_param
from kyodo.runner.scenario.positions import layout, locate

if TYPE_CHECKING:  # the registry loads overlays, so the overlay only names its types
    from kyodo.runner.registry import Municipality, Registry

log = logging.getLogger("kyodo.registry")
SCENARIO_DEFAULT = "シナリオ既定値"
REGISTRY = "自治体台帳（overrides）"
MUNICIPALITY_FILE = "自治体ファイル"
SCHEDULE = "スケジュール"
COMMAND = "コマンド（--param）"
SCHEDULE_KEY = "schedule"  # reserved: paused schedules (kyodo.runner.scheduler.control), not a scenario name


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


@dataclass
class _OverlayFile:
    """One municipality file read once: its overlays, its shape problems, and positions on demand."""

    path: Path
    text: str = ""
    overlays: dict[str, ScenarioOverlay] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    _positions: dict[tuple, tuple[int, int]] | None = None

    def at(self, loc: tuple) -> str:
        """``file:line:col`` of ``loc``; the (pure-Python) YAML walk runs only once something is reported."""
        if self._positions is None:
            self._positions = layout(self.text).positions
        return "{}:{}:{}".format(self.path, *locate(self._positions, loc))


def _parse_overlay(path: Path) -> _OverlayFile:
    """Overlays and located Japanese problems (``file:line:col: message``) from one municipality file.

    ``${env:NAME}`` is expanded as in the registry itself (``kyodo.runner.registry.load_registry``).
    """
    f = _OverlayFile(path)
    try:
        f.text = expand_env(read_yaml_text(path))
        data = parse_yaml(f.text, str(path)) or {}
    except YamlProblems as exc:
        f.problems += [str(p) for p in exc.problems]
        return f
    if not isinstance(data, dict):
        f.problems.append(f"{f.at(())}: 自治体ファイルは「シナリオ名: {{params: {{...}}}}」の形で書いてください。")
        return f
    for name, body in data.items():
        if name == SCHEDULE_KEY:  # paused schedules: read by kyodo.runner.scheduler.control
            continue
        try:
            f.overlays[str(name)] = ScenarioOverlay.model_validate(body or {})
        except ValidationError as exc:
            for e in exc.errors():
                loc = (name, *e["loc"])
                msg = japanese_message(e)
                if e["type"] == "extra_forbidden":
                    msg = f"項目「{loc[-1]}」はありません（書けるのは params だけです）。"
                f.problems.append(f"{f.at(loc)}: {'.'.join(map(str, loc))}: {msg}")
    return f


def read_overlay(path: Path) -> dict[str, ScenarioOverlay]:
    """Scenario name → overlay from one municipality file; problems become one BusinessError."""
    f = _parse_overlay(path)
    if f.problems:
        raise BusinessError("自治体ファイルに誤りがあります:\n" + "\n".join(f"  - {p}" for p in f.problems), where=str(path),
                            hint="例: e_application_aggregation: {params: {column_map: {申請者名: 申請者氏名}}}")
    return f.overlays


def check_overlay(path: Path, scenarios: dict[str, Scenario]) -> list[str]:
    """Every problem in a municipality file: its name, its shape, unknown scenarios and parameters."""
    problems = []
    if not lg_code_valid(path.stem):
        problems.append(f"{path}:1:1: ファイル名は自治体コード（検査数字付きの6桁、例: 352021.yaml）にしてください。")
    f = _parse_overlay(path)
    problems += f.problems
    for name, ov in f.overlays.items():
        sc = scenarios.get(name)
        if sc is None:
            close = difflib.get_close_matches(name, list(scenarios), n=1)
            problems.append(f"{f.at((name,))}: シナリオ「{name}」はありません。" + (f"「{close[0]}」ですか?" if close else ""))
            continue
        for p in ov.params:
            if p not in sc.params:
                close = difflib.get_close_matches(p, list(sc.params), n=1)
                problems.append(f"{f.at((name, 'params', p))}: {name} にパラメータ「{p}」はありません。"
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
            try:
                overlays = read_overlay(f)
            except BusinessError as exc:  # one town's typo must not stop the other towns' robots
                m._config_problem = str(exc)
                log.warning("自治体ファイルに誤りがあるため、%s(%s) の実行を止めます: %s", m.name, m.code, exc.message)
                continue
            for name, ov in overlays.items():
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
    """Each parameter's effective value (typed, as a run uses it) and the layer it came from.

    ``muni.overrides`` is the merged registry layer (``load_registry`` always merges the
    municipality files); ``file_params`` are the file's own values, used only to name their source.
    """
    over = muni.overrides.get(scenario.name, {}).get("params", {})
    file_params = file_params or {}
    out = []
    for name, p in scenario.params.items():
        value, source = p.default, SCENARIO_DEFAULT
        if name in over:
            value = over[name]
            source = MUNICIPALITY_FILE if name in file_params else REGISTRY
        for layer, label in ((schedule or {}, SCHEDULE), (cli or {}, COMMAND)):
            if name in layer:
                value, source = layer[name], label
        out.append(ParamValue(name, coerce_param(name, p.type, value), source))  # the value a run would use
    return out


def file_params_for(registry_path: str | Path, code: str, scenario: str) -> tuple[Path | None, dict[str, Any]]:
    """The municipality file (if any) and its params for ``scenario``."""
    f = overlay_file(registry_path, code)
    if not f.is_file():
        return None, {}
    ov = read_overlay(f).get(scenario)
    return f, (ov.params if ov else {})

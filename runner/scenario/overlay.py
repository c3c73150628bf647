"""The effective scenario for one municipality, with where each parameter value came from.

Precedence, lowest first: the scenario's defaults < the municipality's ``overrides`` in the
registry < a schedule entry's ``params`` < ``--param`` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runner.registry import Municipality
from runner.scenario.model import Scenario


@dataclass
class ParamValue:
    name: str
    value: Any
    source: str  # シナリオ既定値 / 自治体設定 / スケジュール / コマンド


def effective_view(scenario: Scenario, muni: Municipality, schedule: dict[str, Any] | None = None,
                   cli: dict[str, Any] | None = None) -> list[ParamValue]:
    over = muni.overrides.get(scenario.name, {}).get("params", {})
    out = []
    for name, p in scenario.params.items():
        value, source = p.default, "シナリオ既定値"
        for layer, label in ((over, "自治体設定（overrides）"), (schedule or {}, "スケジュール"), (cli or {}, "コマンド（--param）")):
            if name in layer:
                value, source = layer[name], label
        out.append(ParamValue(name, value, source))
    return out

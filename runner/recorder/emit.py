"""Writing a composed scenario as YAML a DX leader can read and edit (comments say what to do next)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from kyodo.core.jst import JST
from kyodo.robots.excel import atomic_path
from kyodo.runner.recorder.compose import Composed


class _Dumper(yaml.SafeDumper):
    """Block style, Japanese kept readable, keys in the order they were built."""


def _str(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def scenario_yaml(composed: Composed, source_url: str) -> str:
    """The YAML text: a header of comments, then the scenario."""
    lines = [
        f"# {composed.scenario['title']}（kyodo record で記録 {datetime.now(JST):%Y-%m-%d %H:%M}）",
        f"# 記録を始めたページ: {source_url}",
        "# 確認: kyodo scenario validate このファイル / kyodo run このファイル -m 自治体コード --dry-run",
    ]
    lines += [f"# パスワードの保存: kyodo secret set {name}" for name in composed.secrets]
    lines += [f"# 注意: {w}" for w in composed.warnings]
    body = yaml.dump(composed.scenario, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    return "\n".join(lines) + "\n" + body


def write_scenario(composed: Composed, source_url: str, path: Path) -> Path:
    """Write the scenario atomically (a half-written file never replaces a good one)."""
    text = scenario_yaml(composed, source_url)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path

"""Find and load scenarios by name or path (standard ones ship in ``scenarios/``)."""

from __future__ import annotations

from pathlib import Path

from kyodo.core.errors import BusinessError
from kyodo.core.settings import get_settings
from kyodo.core.yamlfile import YamlProblems, read_yaml_text
from kyodo.runner.scenario.model import Scenario
from kyodo.runner.scenario.validate import validate_file, validate_text


def scenario_path(name_or_path: str | Path) -> Path:
    """The file for ``name_or_path``: an existing path, or ``<name>.yaml`` in the scenario folders."""
    p = Path(name_or_path)
    if is_scenario_file(p):
        return p
    is_file_name = p.suffix in (".yaml", ".yml")
    for d in get_settings().scenario_dirs if len(p.parts) == 1 else ():
        cand = d / (p.name if is_file_name else f"{name_or_path}.yaml")
        if cand.exists():
            return cand
    if is_file_name:
        raise BusinessError(f"シナリオファイル「{name_or_path}」が見つかりません。", hint="パスを確認してください（今のフォルダからの相対パスか絶対パス）。")
    known = ", ".join(sorted(available_scenarios()))
    raise BusinessError(f"シナリオ「{name_or_path}」が見つかりません。", hint=f"使えるシナリオ: {known}")


def is_scenario_file(name_or_path: str | Path) -> bool:
    """True when ``name_or_path`` names an existing YAML file (``kyodo run ./my.yaml``), not a scenario name."""
    p = Path(name_or_path)
    return p.suffix in (".yaml", ".yml") and p.is_file()


def available_scenarios() -> dict[str, Path]:
    """Scenario name → file, earlier folders (local ones) shadowing the standard ones."""
    found: dict[str, Path] = {}
    for d in reversed(get_settings().scenario_dirs):
        if d.is_dir():
            for f in sorted(d.glob("*.yaml")):
                found[f.stem] = f
    return found


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario; every problem is reported at once, with its location."""
    path = scenario_path(name_or_path)
    scenario, problems = validate_file(path)  # validated once: the checked model is the one returned
    return _checked(scenario, problems, path)


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario file exactly as it will be validated (UTF-8, BOM removed)."""
    try:
        return read_yaml_text(path)
    except YamlProblems as exc:
        raise _problems_error(exc.problems, path) from None


def load_scenario_text(text: str, where: str | Path) -> Scenario:
    """Validate a scenario carried as text (a DX leader's own file sent to a worker); ``where`` names it in errors."""
    scenario, problems = validate_text(text, where)
    return _checked(scenario, problems, where)


def _checked(scenario: Scenario | None, problems: list, where: str | Path) -> Scenario:
    if problems or scenario is None:
        raise _problems_error(problems, where)
    return scenario


def _problems_error(problems: list, where: str | Path) -> BusinessError:
    return BusinessError(
        f"シナリオに誤りが {len(problems)} 件あります:\n" + "\n".join(f"  - {p}" for p in problems),
        where=str(where),
        hint="kyodo scenario validate で詳しく確認できます。",
    )

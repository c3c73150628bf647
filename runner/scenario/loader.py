"""Find and load scenarios by name or path (standard ones ship in ``scenarios/``)."""

from __future__ import annotations

from pathlib import Path

from robots.errors import BusinessError
from runner.scenario.model import Scenario
from runner.settings import get_settings


def scenario_path(name_or_path: str | Path) -> Path:
    """The file for ``name_or_path``: an existing path, or ``<name>.yaml`` in the scenario folders."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    for d in get_settings().scenario_dirs:
        cand = d / f"{name_or_path}.yaml"
        if cand.exists():
            return cand
    known = ", ".join(sorted(available_scenarios()))
    raise BusinessError(f"シナリオ「{name_or_path}」が見つかりません。", hint=f"使えるシナリオ: {known}")


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
    from runner.scenario.validate import validate_file

    path = scenario_path(name_or_path)
    scenario, problems = validate_file(path)  # validated once: the checked model is the one returned
    if problems or scenario is None:
        raise BusinessError(
            f"シナリオに誤りが {len(problems)} 件あります:\n" + "\n".join(f"  - {p}" for p in problems),
            where=str(path),
            hint="kyodo scenario validate で詳しく確認できます。",
        )
    return scenario

"""36 broken scenarios: each gives the expected Japanese message at the marked line, none crashes."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from robots.errors import BusinessError
from runner.scenario.validate import check_scenario
from runner.yamlfile import parse_yaml

BROKEN = Path(__file__).parent / "broken"
EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


def problems_for(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = parse_yaml(text, str(path))
    except BusinessError as exc:  # YAML syntax: located by the parser
        line = int(exc.where.rsplit(":", 2)[1])
        return [(line, str(exc))]
    return [(p.line, str(p)) for p in check_scenario(data, path, text)]


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 30 and len(list(BROKEN.glob("*.yaml"))) == len(EXPECTED) + 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_is_reported_at_its_line(name):
    path = BROKEN / f"{name}.yaml"
    marked = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "<-- error" in line)
    found = problems_for(path)
    assert found, f"{name}: no problem reported"
    hits = [(line, msg) for line, msg in found if EXPECTED[name] in msg]
    assert hits, f"{name}: expected「{EXPECTED[name]}」in {found}"
    assert any(line in (marked, marked + 1) for line, _ in hits), f"{name}: marked line {marked}, got {hits}"


def test_cli_reports_every_problem_without_traceback():
    files = [str(BROKEN / f"{n}.yaml") for n in sorted(EXPECTED)]
    p = subprocess.run([str(Path(sys.executable).parent / "kyodo"), "scenario", "validate", *files],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr + p.stdout
    assert p.stderr.count("×") == len(files)
    assert "04_typo_action.yaml:8:" in p.stderr

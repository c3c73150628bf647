"""Broken scenarios: each gives the expected Japanese message at the marked line, none crashes."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kyodo.core.errors import BusinessError
from kyodo.runner.scenario.loader import load_scenario
from kyodo.runner.scenario.validate import validate_file, validate_text

BROKEN = Path(__file__).parent / "broken"
EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


def problems_for(path: Path) -> list[tuple[int, str]]:
    _, problems = validate_file(path)
    return [(p.line, str(p)) for p in problems]


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 30 and len(list(BROKEN.glob("*.yaml"))) == len(EXPECTED) + 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_scenario_is_reported_at_its_line(name):
    path = BROKEN / f"{name}.yaml"
    text = path.read_bytes().decode("utf-8") if not name.endswith("shift_jis") else path.read_bytes().decode("cp932")
    marked = next(i for i, line in enumerate(text.splitlines(), 1) if "<-- error" in line)
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


MANY = """\
name: many
titel: いくつも間違い
zone: internet
params:
  year: {type: int, default: 2024}
steps:
  - id: table
    action: CSVを読み込む
    with:
      path: ${params.yaer}.csv
  - id: report
    action: excel.write_report
    on_error: ignore
    with:
      path: out.xlsx
      sheets: [{sheet: 一覧, table: "${tabel}"}]
      password: abc123
"""


def test_every_problem_is_reported_at_once():
    """A structural mistake (titel, on_error) does not hide the unknown action or the undefined names."""
    _, problems = validate_text(MANY, "many.yaml")
    text = "\n".join(map(str, problems))
    for line, fragment in [(2, "「title」ですか"), (8, "`excel.read_csv` ですか"), (10, "「year」ですか"),
                           (13, "stop / skip_item / retry"), (16, "「table」のことですか"), (17, "秘密の値")]:
        assert f"many.yaml:{line}:" in text and fragment in text, (line, fragment, text)
        assert any(p.line == line and fragment in p.message for p in problems), (line, fragment, text)


def test_every_tab_is_reported(tmp_path):
    f = tmp_path / "tabs.yaml"
    f.write_text("name: t\ntitle: t\nsteps:\n  - action: flow.log\n\twith:\n\t  message: a\n", encoding="utf-8")
    _, problems = validate_file(f)
    assert [(p.line, p.column) for p in problems if "タブ" in p.message] == [(5, 1), (6, 1)]


def test_loader_raises_one_business_error_listing_all_problems(tmp_path):
    f = tmp_path / "many.yaml"
    f.write_text(MANY, encoding="utf-8")
    with pytest.raises(BusinessError) as info:
        load_scenario(f)
    _, problems = validate_text(MANY, f)
    assert len(problems) >= 6 and f"誤りが {len(problems)} 件" in info.value.message
    assert all(str(p) in info.value.message for p in problems)


def test_registry_yaml_errors_get_the_same_explanations(tmp_path):
    """kyodo.core.yamlfile explains YAML mistakes for every file kyodo reads, not only scenarios."""
    from kyodo.core.yamlfile import YamlProblems
    from kyodo.runner.registry import load_registry

    reg = tmp_path / "municipalities.yaml"
    reg.write_text("prefecture:\n  code: '350001'\n\tname: 山口県\n", encoding="utf-8")
    with pytest.raises(YamlProblems) as info:
        load_registry(reg)
    assert any(p.line == 3 and "タブ" in p.message for p in info.value.problems)
    reg.write_bytes("prefecture:\n  name: 山口県\n".encode("cp932"))
    with pytest.raises(BusinessError, match="UTF-8"):
        load_registry(reg)


def test_a_scenario_is_validated_once_per_load(monkeypatch):
    from kyodo.runner.scenario.model import Scenario, Step

    calls = []
    for model in (Scenario, Step):
        real = model.model_validate
        monkeypatch.setattr(model, "model_validate", lambda data, *a, _r=real, _m=model, **k: calls.append(_m) or _r(data, *a, **k))
    sc = load_scenario("e_application_aggregation")
    assert calls == [Scenario] and isinstance(sc, Scenario)

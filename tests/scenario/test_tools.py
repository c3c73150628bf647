"""Schema, step reference, scaffolding, dry run and overlays for DX leaders."""

import inspect
import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml

from robots import all_actions
from runner.scenario.docs import actions_markdown
from runner.scenario.scaffold import scaffold
from runner.scenario.schema import dumps, registry_schema, scenario_schema
from runner.scenario.validate import check_scenario

KYODO = str(Path(sys.executable).parent / "kyodo")


@pytest.fixture(autouse=True)
def product_actions_only(monkeypatch):
    """Other test modules register ``testing.*`` actions in this process; docs cover the product's."""
    import robots._action as registry

    registry.load_all()
    monkeypatch.setattr(registry, "_REGISTRY", {k: v for k, v in registry._REGISTRY.items() if not k.startswith("testing.")})
SHIPPED = sorted(Path("scenarios").glob("*.yaml"))


def test_committed_schemas_match_the_code():
    assert Path("docs/scenario.schema.json").read_text(encoding="utf-8") == dumps(scenario_schema()), "run: kyodo scenario schema -o docs/scenario.schema.json"
    assert Path("docs/registry.schema.json").read_text(encoding="utf-8") == dumps(registry_schema())


def test_schema_is_draft7_and_validates_shipped_files():
    schema = json.loads(Path("docs/scenario.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#" and "$defs" not in json.dumps(schema)
    jsonschema.Draft7Validator.check_schema(schema)
    v = jsonschema.Draft7Validator(schema)
    assert SHIPPED
    for f in SHIPPED:
        assert f.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../docs/scenario.schema.json")
        errors = list(v.iter_errors(yaml.safe_load(f.read_text(encoding="utf-8"))))
        assert not errors, (f, [e.message for e in errors])
    reg = jsonschema.Draft7Validator(json.loads(Path("docs/registry.schema.json").read_text(encoding="utf-8")))
    data = yaml.safe_load(Path("config/municipalities.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # YAML dates are strings to the editor
    assert not list(reg.iter_errors(data))


def test_schema_catches_a_wrong_argument_for_the_editor():
    v = jsonschema.Draft7Validator(scenario_schema())
    bad = {"name": "x", "title": "t", "steps": [{"action": "excel.read_csv", "with": {"pth": "a.csv"}}]}
    assert any("pth" in e.message or "path" in e.message for e in v.iter_errors(bad))
    ok = {"name": "x", "title": "t", "steps": [{"action": "excel.read_csv", "with": {"path": "${csv}"}}]}
    assert not list(v.iter_errors(ok))


def test_shipped_scenarios_validate():
    for f in SHIPPED:
        text = f.read_text(encoding="utf-8")
        assert check_scenario(yaml.safe_load(text), f, text) == [], f


def test_every_action_is_documented_typed_and_has_an_example():
    for name, spec in all_actions().items():
        assert spec.title and len(spec.doc) > 20, name
        assert spec.example.strip().startswith("- "), name
        assert yaml.safe_load(spec.example), name
        hints = typing.get_type_hints(spec.func)
        for pname in spec.parameters:
            assert pname in hints, f"{name}.{pname} has no type hint"
            assert pname in spec.doc, f"{name}.{pname} is not explained in the docstring"


def test_docs_actions_md_is_in_sync():
    assert Path("docs/actions.md").read_text(encoding="utf-8") == actions_markdown(), "run: kyodo scenario docs"


def test_scaffold_is_valid_and_commented(tmp_path):
    text = scaffold("my_first")
    assert text.count("#") > 10
    assert check_scenario(yaml.safe_load(text), "my_first.yaml", text) == []
    env = {**os.environ, "KYODO_HOME": str(tmp_path / "var")}
    p = subprocess.run([KYODO, "scenario", "new", "my_first", "--dir", str(tmp_path)], capture_output=True, text=True, env=env)
    assert p.returncode == 0 and (tmp_path / "my_first.yaml").exists()
    again = subprocess.run([KYODO, "scenario", "new", "my_first", "--dir", str(tmp_path)], capture_output=True, text=True, env=env)
    assert again.returncode == 2 and "既にあります" in again.stderr
    ok = subprocess.run([KYODO, "scenario", "validate", str(tmp_path / "my_first.yaml")], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "問題ありません" in ok.stdout


def test_dry_run_touches_nothing(kyodo_home):
    p = subprocess.run([KYODO, "run", "e_application_aggregation", "-m", "352021", "--dry-run", "-p", "procedure=施設予約"],
                       capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert p.returncode == 0, p.stderr
    assert "browser.login" in p.stdout and "PORTAL_352021" in p.stdout and "label=施設予約" in p.stdout
    assert "rename={申請者名: 申請者氏名" in p.stdout  # 宇部市's overlay is applied
    assert "（条件: 実行しない）" in p.stdout and "<csv の結果>" in p.stdout
    assert not kyodo_home.exists(), "no run record, no artifact folder"


def test_show_marks_where_values_come_from(kyodo_home):
    p = subprocess.run([KYODO, "scenario", "show", "e_application_aggregation", "-m", "352021"], capture_output=True,
                       text=True, env=dict(os.environ), timeout=60)
    assert p.returncode == 0, p.stderr
    line = next(l for l in p.stdout.splitlines() if "column_map" in l)
    assert "自治体設定" in line and "申請者名" in line
    assert "シナリオ既定値" in next(l for l in p.stdout.splitlines() if "procedure" in l)

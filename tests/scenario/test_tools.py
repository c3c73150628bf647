"""Schema, step reference, scaffolding, dry run and overlays for DX leaders."""

import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml

from kyodo.robots import all_actions
from kyodo.runner.scenario.docs import actions_markdown
from kyodo.runner.scenario.scaffold import scaffold
from kyodo.runner.scenario.schema import dumps, registry_schema, scenario_schema
from kyodo.runner.scenario.validate import check_scenario

KYODO = str(Path(sys.executable).parent / "kyodo")


@pytest.fixture(autouse=True)
def product_actions_only(monkeypatch):
    """Other test modules register ``testing.*`` actions in this process; docs cover the product's."""
    import kyodo.core.actions as registry
    from kyodo.robots import all_actions

    all_actions()
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
    line = next(ln for ln in p.stdout.splitlines() if "column_map" in ln)
    assert "自治体台帳" in line and "申請者名" in line
    assert "シナリオ既定値" in next(ln for ln in p.stdout.splitlines() if "procedure" in ln)


@pytest.mark.parametrize("scenario", [f.stem for f in SHIPPED])
def test_dry_run_of_every_shipped_scenario_creates_no_run_and_no_folder(kyodo_home, scenario):
    from kyodo.runner.cli.run import _dry_run
    from kyodo.runner.store import open_store

    assert _dry_run(scenario, ["352039"], {}) == 0
    assert not kyodo_home.exists(), "dry run wrote into KYODO_HOME"
    assert open_store().list_runs() == []  # (opening the store here is what creates the database)


def test_dry_run_says_where_inputs_resolve_and_refuses_to_leave_the_folder(kyodo_home, capsys):
    from kyodo.runner.cli.run import _dry_run

    assert _dry_run("tax_reconciliation", ["352039"], {"ledger": "../../etc/passwd"}) == 0
    out = capsys.readouterr().out
    assert "入力フォルダの外です" in out and str(kyodo_home / "data" / "352039" / "zengin") in out
    assert not kyodo_home.exists()


def test_the_guide_from_nothing_to_a_running_scenario(tmp_path):
    """docs/guide_ja.md section 1: new → validate → put input.csv → dry run → run."""
    env = {**os.environ, "KYODO_HOME": str(tmp_path / "var"), "KYODO_REGISTRY": str(Path("config/municipalities.yaml").resolve())}
    env.pop("KYODO_DB_URL", None)
    env.pop("KYODO_EXECUTOR", None)

    def kyodo(*args):
        return subprocess.run([KYODO, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)

    assert kyodo("scenario", "new", "my_first", "--title", "はじめてのシナリオ").returncode == 0
    assert kyodo("scenario", "validate", "scenarios_local/my_first.yaml").returncode == 0
    (tmp_path / "var" / "data" / "352039").mkdir(parents=True)
    (tmp_path / "var" / "data" / "352039" / "input.csv").write_bytes("受付番号,氏名\n1,山口太郎\n".encode("cp932"))
    dry = kyodo("run", "my_first", "-m", "352039", "--dry-run")
    assert dry.returncode == 0 and "input.csv … あります" in dry.stdout, dry.stdout + dry.stderr
    assert not (tmp_path / "var" / "runs").exists()
    run = kyodo("run", "my_first", "-m", "352039")
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list((tmp_path / "var" / "runs" / "352039").glob("*/my_first_*.xlsx"))) == 1


def test_registry_schema_knows_each_standard_scenarios_params():
    v = jsonschema.Draft7Validator(registry_schema())
    muni = {"code": "352021", "name": "宇部市", "overrides": {"e_application_aggregation": {"params": {"colum_map": {}}}}}
    doc = {"prefecture": {"code": "350001", "name": "山口県", "kind": "prefecture"}, "municipalities": [muni]}
    assert any("colum_map" in e.message for e in v.iter_errors(doc))
    muni["overrides"]["e_application_aggregation"]["params"] = {"column_map": {"氏名": "申請者氏名"}}
    assert not list(v.iter_errors(doc))


def test_dry_run_shows_conditions_and_values_known_only_at_run_time(kyodo_home, tmp_path, capsys):
    from kyodo.runner.cli.run import _dry_run

    f = tmp_path / "dr_when.yaml"
    f.write_text("""\
name: dr_when
title: 条件の試行
steps:
  - id: rows
    action: excel.read_csv
    with: {path: a.csv}
  - action: flow.log
    when: ${len(rows) > 0}
    with: {message: "件数 ${len(rows)}"}
  - action: flow.log
    when: false
    with: {message: 止めている}
  - for_each: ${rows.records}
    as: r
    steps:
      - action: flow.log
        with: {message: "${r.x}"}
""", encoding="utf-8")
    assert _dry_run(str(f), ["352039"], {}) == 0
    out = capsys.readouterr().out.splitlines()
    assert "今はありません" in out[2]
    assert "<実行時に決まります>" in out[3] and "条件は実行時に判定" in out[3]
    assert "止めている" in out[4] and "条件: 実行しない" in out[4]
    assert "実行時に決まる項目ごとに繰り返す" in out[5] and "<r.x の結果>" in out[6]
    assert not kyodo_home.exists()

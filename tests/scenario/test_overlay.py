"""Per-municipality settings: registry overrides and the municipality's own file, with precedence."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo.runner.registry import load_registry
from kyodo.runner.scenario.loader import load_scenario
from kyodo.runner.scenario.overlay import (
    COMMAND,
    MUNICIPALITY_FILE,
    REGISTRY,
    SCENARIO_DEFAULT,
    apply_overlay_files,
    check_overlay,
    effective_view,
    file_params_for,
    overlay_file,
)

KYODO = str(Path(sys.executable).parent / "kyodo")
UBE = "352021"  # has column_map in the registry's overrides


@pytest.fixture()
def registry_copy(tmp_path):
    reg = tmp_path / "config" / "municipalities.yaml"
    reg.parent.mkdir()
    shutil.copy("config/municipalities.yaml", reg)
    return reg


def write_overlay(registry_path: Path, code: str, text: str) -> Path:
    f = overlay_file(registry_path, code)
    f.parent.mkdir(exist_ok=True)
    f.write_text(text, encoding="utf-8")
    return f


def test_overlay_file_sits_next_to_the_registry(registry_copy):
    assert overlay_file(registry_copy, UBE) == registry_copy.parent / "municipalities" / f"{UBE}.yaml"


def test_precedence_default_registry_file_command(registry_copy):
    sc = load_scenario("e_application_aggregation")
    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params:\n    date_from: '2024-04-01'\n"
                                      "    column_map: {氏名: 申請者氏名}\n")
    reg = apply_overlay_files(load_registry(registry_copy), registry_copy)
    m = reg.get(UBE)
    _, own = file_params_for(registry_copy, UBE, sc.name)
    view = {pv.name: pv for pv in effective_view(sc, m, cli={"procedure": "施設予約"}, file_params=own)}
    assert (view["procedure"].value, view["procedure"].source) == ("施設予約", COMMAND)
    assert (str(view["date_from"].value), view["date_from"].source) == ("2024-04-01", MUNICIPALITY_FILE)
    assert (view["column_map"].value, view["column_map"].source) == ({"氏名": "申請者氏名"}, MUNICIPALITY_FILE)
    assert view["date_to"].source == SCENARIO_DEFAULT
    # what a run uses (kyodo.runner.plan) agrees with the view
    from kyodo.runner.plan import effective_params

    assert effective_params(sc, m, {"procedure": "施設予約"}) == {k: v.value for k, v in view.items()}
    # another municipality is untouched; applying twice changes nothing
    assert effective_view(sc, reg.get("352039"))[0].source == SCENARIO_DEFAULT
    again = apply_overlay_files(reg, registry_copy).get(UBE).overrides
    assert again == m.overrides


def test_registry_layer_is_named_when_the_file_does_not_set_the_value(registry_copy):
    sc = load_scenario("e_application_aggregation")
    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params: {date_to: '2024-04-30'}\n")
    reg = apply_overlay_files(load_registry(registry_copy), registry_copy)
    _, own = file_params_for(registry_copy, UBE, sc.name)
    view = {pv.name: pv.source for pv in effective_view(sc, reg.get(UBE), file_params=own)}
    assert view["column_map"] == REGISTRY and view["date_to"] == MUNICIPALITY_FILE


def test_overlay_mistakes_are_reported_with_suggestions(registry_copy):
    scenarios = {"e_application_aggregation": load_scenario("e_application_aggregation")}
    f = write_overlay(registry_copy, UBE, "e_application_agregation:\n  params: {date_from: x}\n"
                                          "e_application_aggregation:\n  params: {colum_map: {}}\n")
    problems = "\n".join(check_overlay(f, scenarios))
    assert "「e_application_aggregation」ですか" in problems and "「column_map」ですか" in problems
    assert f"{UBE}.yaml:1:1: シナリオ「e_application_agregation」" in problems and f"{UBE}.yaml:4:12:" in problems
    bad = write_overlay(registry_copy, "123456", "e_application_aggregation:\n  parms: {}\n")
    problems = "\n".join(check_overlay(bad, scenarios))
    assert "自治体コード" in problems and "parms" in problems


def test_cli_validates_an_overlay_file(registry_copy, tmp_path):
    f = write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params: {colum_map: {}}\n")
    env = {**os.environ, "KYODO_HOME": str(tmp_path / "var"), "KYODO_REGISTRY": str(registry_copy)}
    p = subprocess.run([KYODO, "scenario", "validate", str(f)], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 1 and "「column_map」ですか" in p.stderr and "Traceback" not in p.stderr
    f.write_text("e_application_aggregation:\n  params: {column_map: {}}\n", encoding="utf-8")
    p = subprocess.run([KYODO, "scenario", "validate", str(f)], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr


def test_show_agrees_with_what_a_run_uses(registry_copy, tmp_path):
    """show names the municipality file for exactly the value a run uses (load_registry merges the files)."""
    from kyodo.runner.plan import effective_params

    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params: {date_from: '2030-01-02'}\n")
    env = {**os.environ, "KYODO_HOME": str(tmp_path / "var"), "KYODO_REGISTRY": str(registry_copy)}
    p = subprocess.run([KYODO, "scenario", "show", "e_application_aggregation", "-m", UBE], capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    run_value = effective_params(load_scenario("e_application_aggregation"), load_registry(registry_copy).get(UBE))["date_from"]
    line = next(ln for ln in p.stdout.splitlines() if "date_from" in ln)
    assert str(run_value) == "2030-01-02"  # a date parameter: typed the same way in show and in a run
    assert MUNICIPALITY_FILE in line and f"{UBE}.yaml" in line
    assert not (tmp_path / "var").exists()


def test_show_names_the_municipality_file_once_the_registry_merges_it(registry_copy, tmp_path, monkeypatch):
    """The registry loader merges municipality files, so show names the file (in-process, no subprocess)."""
    from typer.testing import CliRunner

    from kyodo.core.settings import reset_settings
    from kyodo.runner.cli import app

    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params: {date_from: '2030-01-02'}\n")
    monkeypatch.setenv("KYODO_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("KYODO_REGISTRY", str(registry_copy))
    reset_settings()
    try:
        res = CliRunner().invoke(app, ["scenario", "show", "e_application_aggregation", "-m", UBE])
    finally:
        reset_settings()
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.output.splitlines() if "date_from" in ln and "│" in ln)
    assert "2030-01-02" in line and MUNICIPALITY_FILE in line and f"{UBE}.yaml" in line


def test_municipality_file_expands_env_like_the_registry(registry_copy, monkeypatch):
    monkeypatch.setenv("KYODO_TEST_FROM", "2031-05-06")
    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params: {date_from: '${env:KYODO_TEST_FROM}'}\n")
    _, own = file_params_for(registry_copy, UBE, "e_application_aggregation")
    assert own == {"date_from": "2031-05-06"}
    assert load_registry(registry_copy).get(UBE).overrides["e_application_aggregation"]["params"]["date_from"] == "2031-05-06"


def test_municipality_file_syntax_errors_are_located_and_explained(registry_copy):
    f = write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params:\n\t  date_from: x\n")
    problems = check_overlay(f, {"e_application_aggregation": load_scenario("e_application_aggregation")})
    assert any(p.startswith(f"{f}:3:1: ") and "タブ" in p for p in problems), problems


def test_a_broken_municipality_file_stops_only_that_municipality(registry_copy):
    from kyodo.core.errors import BusinessError
    from kyodo.runner.plan import plan_runs

    write_overlay(registry_copy, UBE, "e_application_aggregation:\n  params:\n\t  date_from: x\n")
    reg = load_registry(registry_copy)  # the scheduler and workers still start
    sc = load_scenario("tax_reconciliation")
    assert "タブ" in reg.get(UBE).config_problem and reg.get("352039").config_problem is None
    with pytest.raises(BusinessError, match="宇部市") as e:
        plan_runs(sc, reg, [UBE])
    assert "タブ" in str(e.value) and "kyodo scenario validate" in str(e.value)
    [plan] = plan_runs(sc, reg, ["352039"])
    assert plan.owner == "352039"

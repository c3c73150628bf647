"""YAML that attacks the loader, and read/write paths outside the allowed folders: refused with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.core.errors import BusinessError
from tests.hostile.corpus import _alias_bomb

SCENARIO = """\
name: hostile_paths
title: パスの確認
params:
  ledger: {{type: str, default: "{ledger}"}}
steps:
  - id: csv
    action: excel.read_csv
    with: {{path: "{read}"}}
  - id: ledger
    action: workbook.read_ledger
    with:
      path: ${{params.ledger}}
      required_columns: [宛名番号]
  - action: excel.write_report
    with:
      path: "{write}"
      sheets: [{{sheet: 一覧, table: "${{csv}}"}}]
"""


def _validate(text: str) -> list[str]:
    from kyodo.runner.scenario.validate import validate_text

    scenario, problems = validate_text(text, "s.yaml")
    assert (scenario is None) == bool(problems)
    return [str(p) for p in problems]


def test_scenario_paths_outside_the_folders_are_reported_at_their_lines() -> None:
    problems = _validate(SCENARIO.format(ledger="../../etc/shadow", read="/etc/passwd", write="../共有/結果_${run.yyyymmdd}.xlsx"))
    assert len(problems) == 3, problems
    assert problems[0].startswith("s.yaml:4:") and "「..」で入力フォルダの外" in problems[0]
    assert problems[1].startswith("s.yaml:8:") and "絶対パス" in problems[1]
    assert problems[2].startswith("s.yaml:16:") and "../共有/結果_${run.yyyymmdd}.xlsx" in problems[2] and "フォルダ" in problems[2]


def test_scenario_paths_inside_the_folders_pass() -> None:
    assert _validate(SCENARIO.format(ledger="台帳/調定.xlsx", read="申請/${municipality.code}.csv",
                                     write="結果_${municipality.code}.xlsx")) == []


def test_every_path_argument_of_every_action_has_a_role() -> None:
    """A new action's path argument is checked too: the naming convention must cover it."""
    from kyodo.robots import all_actions
    from kyodo.robots.paths import path_role

    unknown = [f"{name}.{arg}" for name, spec in all_actions().items() for arg in spec.parameters
               if (arg in ("path", "filename", "paths", "folder", "template") or (arg == "to" and name.startswith("file.")))
               and path_role(name, arg) is None]
    assert unknown == []
    assert path_role("file.archive", "name") is path_role("excel.write_report", "path")


def test_a_write_path_is_refused_at_run_time_not_stripped(tmp_path: Path) -> None:
    import pandas as pd

    from kyodo.robots.context import RunContext
    from kyodo.robots.excel.actions import write_report

    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "run")
    with pytest.raises(BusinessError, match="フォルダが含まれています"):
        write_report(ctx, path="../x.xlsx", sheets=[{"sheet": "a", "table": pd.DataFrame({"a": [1]})}])
    assert not list(tmp_path.rglob("*.xlsx"))


def test_scenario_alias_bomb_and_recursive_alias_are_located_problems_not_crashes() -> None:
    bomb = "name: x\ntitle: y\nsteps: []\n" + _alias_bomb()
    assert _validate(bomb)[0].startswith("s.yaml:9:") and "展開が大きすぎます" in _validate(bomb)[0]
    loop = "name: x\ntitle: y\nsteps: &s\n  - action: flow.log\n    with: {message: *s}\n"
    assert _validate(loop)[0].startswith("s.yaml:5:21:") and "循環する別名" in _validate(loop)[0]


def test_registry_with_an_unquoted_leading_zero_code_is_refused(tmp_path: Path) -> None:
    from kyodo.runner.registry import load_registry

    f = tmp_path / "municipalities.yaml"
    f.write_text('prefecture: {code: "010006", name: 北海道, kind: prefecture}\n'
                 "municipalities:\n  - {code: 011002, name: 札幌市}\n", encoding="utf-8")
    with pytest.raises(BusinessError, match='"011002" と引用符で囲み') as info:
        load_registry(f)
    assert f"{f}:3:12" in str(info.value)

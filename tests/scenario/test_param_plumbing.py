"""``kyodo run ./my.yaml`` from anywhere, list/dict/date params with -p exactly as the messages suggest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kyodo.runner.scenario.params import coerce_param

KYODO = str(Path(sys.executable).parent / "kyodo")
REPO = Path(__file__).resolve().parents[2]
MINE = """\
name: my_items
title: 自分のシナリオ
params:
  items: {type: list, default: []}
  map: {type: dict, default: {}}
  day: {type: date, default: ""}
steps:
  - id: each
    for_each: ${params.items}
    as: item
    steps:
      - action: flow.log
        with: {message: "項目 ${item}", count: 1}
  - action: flow.log
    with: {message: "対応 ${params.map.a} / 日付 ${params.day}"}
"""


def test_run_a_yaml_file_from_another_folder_with_list_dict_and_date_params(tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "my.yaml").write_text(MINE, encoding="utf-8")
    env = {**os.environ, "KYODO_HOME": str(tmp_path / "var"), "KYODO_REGISTRY": str(REPO / "config" / "municipalities.yaml")}
    p = subprocess.run([KYODO, "run", "./my.yaml", "-m", "352039", "-p", "items=[a, b]", "-p", "map={a: 申請者氏名}",
                        "-p", "day=令和8年4月1日"], capture_output=True, text=True, timeout=120, cwd=work, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    [log] = (tmp_path / "var" / "runs" / "352039").glob("*/run.log")
    text = log.read_text(encoding="utf-8")
    assert "項目 a" in text and "項目 b" in text and "対応 申請者氏名 / 日付 2026-04-01" in text
    dry = subprocess.run([KYODO, "run", "./my.yaml", "-m", "352039", "-p", "items=[x]", "--dry-run"], capture_output=True,
                         text=True, timeout=120, cwd=work, env=env)
    assert dry.returncode == 0 and "1 件を繰り返す" in dry.stdout
    missing = subprocess.run([KYODO, "run", "./nope.yaml", "-m", "352039"], capture_output=True, text=True, timeout=120,
                             cwd=work, env=env)
    assert missing.returncode == 2 and "シナリオファイル「./nope.yaml」が見つかりません" in missing.stderr


def test_typed_values_follow_the_hint_in_the_error():
    assert coerce_param("items", "list", "[児童手当 現況届, 妊娠の届出]") == ["児童手当 現況届", "妊娠の届出"]
    assert coerce_param("map", "dict", "{申請者名: 申請者氏名}") == {"申請者名": "申請者氏名"}
    assert str(coerce_param("d", "date", "２０２６/4/1")) == "2026-04-01" and coerce_param("d", "date", "") is None


def test_misspelt_loop_variables_and_collect_names_get_a_suggestion():
    from kyodo.runner.scenario.validate import validate_text

    text = """\
name: t
title: t
steps:
  - id: each
    for_each: ${['児童手当 現況届']}
    as: proc
    collect: {table: "${tabel}"}
    steps:
      - id: table
        action: flow.log
        with: {message: "${p}"}
"""
    _, problems = validate_text(text, "t.yaml")
    messages = " ".join(p.message for p in problems)
    assert "変数「p」が定義されていません。「proc」のことですか?" in messages
    assert "collect の変数「tabel」" in messages and "「table」のことですか?" in messages


def test_a_misspelt_profile_field_is_caught_before_running():
    from kyodo.runner.scenario.validate import validate_text

    text = """\
name: t
title: t
steps:
  - id: towns
    for_each: ${municipalities}
    as: m
    steps:
      - action: browser.open
        with: {url: "${m.portal_url}${m.profile.login.pth}"}
      - action: flow.log
        with: {message: "${m.profile.expot.mode}"}
"""
    _, problems = validate_text(text, "t.yaml")
    messages = " ".join(p.message for p in problems)
    assert "「m.profile.login.pth」はプロファイルにありません。「m.profile.login.path」ですか?" in messages
    assert "「m.profile.export」ですか?" in messages

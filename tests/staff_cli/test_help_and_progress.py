"""CLI for staff: Japanese help everywhere, `kyodo` alone exits 0, names instead of codes, progress bars."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kyodo.runner.cli import app

REPO = Path(__file__).resolve().parents[2]
ENGLISH = ("Show this message", "Usage:", "[OPTIONS]", "<list[str]>", "<str>", "<bool>", "Arguments", "Options", "Commands")


def _commands(group, prefix=()):
    import typer.main

    cmd = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield (*prefix, name)
        if hasattr(sub, "commands"):
            yield from _commands(sub, (*prefix, name))


def test_bare_kyodo_shows_japanese_help_and_exits_0():
    env = {**os.environ, "KYODO_HOME": "/tmp/kyodo-help-test"}
    res = subprocess.run([str(Path(sys.executable).with_name("kyodo"))], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "使い方: kyodo [オプション] コマンド [引数]" in res.stdout and "このヘルプを表示して終了します" in res.stdout


def test_every_help_screen_is_japanese():
    runner = CliRunner()
    paths = list(_commands(app))
    assert ("notify", "test") in paths and ("schedule", "pause") in paths
    for path in [(), *paths]:
        res = runner.invoke(app, [*path, "--help"], terminal_width=120)
        assert res.exit_code == 0, (path, res.output)
        leftovers = [w for w in ENGLISH if w in res.output]
        assert not leftovers, f"kyodo {' '.join(path)} --help shows {leftovers}"
        if path:
            first = res.output.split("\n\n")[1] if "\n\n" in res.output else res.output
            assert not any(w in first for w in (" Run ", "List ", "Show ", "Serve ", "Record ", "Add ", "Check ", "Evaluate ", "Ask ")), f"English summary in {path}: {first}"


def test_names_work_like_codes_and_unknown_names_are_said_so(kyodo_home):
    runner = CliRunner()
    res = runner.invoke(app, ["schedule", "list", "-m", "宇部市"], terminal_width=160)
    assert res.exit_code == 0 and "宇部市(352021)" in res.output and "電子申請データ取りまとめ" in res.output
    assert "山口市" not in res.output
    res = runner.invoke(app, ["schedule", "list", "-m", "存在しない町"])
    assert res.exit_code == 2 and "台帳に登録されていません" in res.output
    res = runner.invoke(app, ["runs", "list", "-m", "宇部"])
    assert res.exit_code == 2 and "もしかして: 宇部市" in res.output


def test_progress_bars_and_the_dashboards_progress(user_scenarios, kyodo_home):
    from rich.console import Console

    from kyodo.runner.progress import ProgressBars
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario
    from tests.conftest import REGISTRY

    user_scenarios("progress_probe", """
name: progress_probe
title: 進み具合の確認
params:
  rows: {type: list, default: [1, 2, 3]}
steps:
  - for_each: ${params.rows}
    as: row
    steps:
      - action: flow.log
        with: {message: "行 ${row}"}
""")
    out = io.StringIO()
    store = open_store()
    events = []
    with ProgressBars(Console(file=out, width=100, force_terminal=False), "行") as bars:
        def both(event, data):
            events.append((event, data.get("depth"), data.get("n"), data.get("total")))
            bars(event, data)

        results = run_scenario("progress_probe", ["352021", "352039"], registry=load_registry(REGISTRY), store=store,
                               progress=both)
    assert [r.status for r in results] == ["succeeded", "succeeded"], [r.error for r in results]
    assert events[0] == ("plan_start", -1, 1, 2) and ("plan_done", -1, 2, None) in events
    assert ("loop_start", 0, None, 3) in events
    text = out.getvalue()
    assert "進み具合の確認" in text and "2/2" in text and "3/3" in text
    for r in results:
        assert store.get_run(r.run_id).progress == {"done": 3, "total": 3, "failed": 0, "item": "3"}


def test_usage_mistakes_are_explained_in_japanese():
    kyodo = str(Path(sys.executable).with_name("kyodo"))
    env = {**os.environ, "KYODO_HOME": "/tmp/kyodo-help-test"}
    cases = {("runs",): (0, "使い方: kyodo runs"), ("runs", "lst"): (2, "コマンド「lst」はありません。「list」ですか?"),
             ("run",): (2, "引数 scenario を指定してください"), ("run", "x", "--bogus"): (2, "オプション --bogus はありません"),
             ("runs", "list", "--limit", "abc"): (2, "整数で指定してください"), ("run", "a", "b"): (2, "余分な引数があります")}
    for args, (code, text) in cases.items():
        res = subprocess.run([kyodo, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
        assert res.returncode == code and text in res.stdout + res.stderr, (args, res.returncode, res.stdout, res.stderr)

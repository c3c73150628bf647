"""The recorder on the demo portal: a scripted person logs in, chooses a procedure and a period, and
downloads the CSV; the YAML written validates, holds no secret or personal value, and replays to
the same file (in-process and through ``kyodo run PATH.yaml``)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kyodo.runner.cli.recording import after_recording, record_to_file
from kyodo.runner.recorder.verify import Match, recorded_files, replay
from kyodo.runner.scenario.loader import load_scenario

pytestmark = pytest.mark.browser

CODE = "352039"


def _person(password: str):
    def act(recorder, page):
        page.fill("#user", f"kyodo-{CODE}")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/applications")
        page.select_option("#procedure", label="児童手当 現況届")
        page.fill("#date_from", "2026-04-01")
        page.fill("#date_to", "2026-09-30")
        page.click("#search")
        page.wait_for_load_state()
        with page.expect_download():
            page.click("#export")
    return act


@pytest.fixture(scope="module")
def recorded(registry, home):
    m = registry.get(CODE)
    password = os.environ[f"KYODO_SECRET_{m.credentials.password_secret}"]
    out = home.parent / "portal_download.yaml"
    composed, events = record_to_file(f"{m.portal_url}/login", out, m, title="受付データのダウンロード", headless=True,
                                      act=_person(password), work_dir=home / "recordings")
    return out, composed, events, password


def test_recording_writes_a_valid_scenario_without_secrets(recorded):
    out, composed, _events, password = recorded
    text = out.read_text(encoding="utf-8")
    scenario = load_scenario(out)  # validates, or raises a located error
    assert password not in text and f"kyodo-{CODE}" not in text and "127.0.0.1" not in text
    actions = [s.action for s in scenario.steps]
    assert actions == ["browser.login", "browser.select", "browser.fill", "browser.fill", "browser.click", "browser.download"]
    login = scenario.steps[0].with_
    assert login["url"] == "${municipality.portal_url}/login"
    assert login["user"] == "${municipality.credentials.user}"
    assert login["password_secret"] == "${municipality.credentials.password_secret}"
    assert (login["user_field"], login["password_field"]) == ("#user", "#password")
    assert scenario.params["procedure"].default == "児童手当 現況届"
    assert (scenario.params["date_from"].default, scenario.params["date_to"].default) == ("2026-04-01", "2026-09-30")
    assert scenario.steps[-1].with_ == {"click": "#export", "filename": "applications_${municipality.code}.csv"}
    assert all(s.title for s in scenario.steps)
    assert composed.secrets == [] and composed.warnings == []


def test_replay_downloads_the_same_file(recorded, registry):
    out, composed, events, _ = recorded
    report = replay(out, CODE, recorded_files(composed, events))
    assert report.status == "succeeded", report.lines()
    assert report.files == {f"applications_{CODE}.csv": Match.SAME}
    assert report.ok


def test_replay_with_other_params_gives_another_file(recorded, registry, tmp_path):
    """The comparison is real: changing the recorded period changes the download."""
    out, composed, events, _ = recorded
    text = out.read_text(encoding="utf-8").replace("default: '2026-09-30'", "default: '2026-04-30'")
    other = tmp_path / "portal_download_april.yaml"
    other.write_text(text.replace("name: portal_download", "name: portal_download_april"), encoding="utf-8")
    report = replay(other, CODE, recorded_files(composed, events))
    assert report.files == {f"applications_{CODE}.csv": Match.DIFFERENT}
    assert not report.ok


def test_kyodo_run_of_the_recorded_file_downloads_the_same_file(recorded, home):
    out, _composed, events, _ = recorded
    [download] = [e for e in events if e.kind.value == "download"]
    done = subprocess.run([str(Path(sys.executable).with_name("kyodo")), "run", str(out), "-m", CODE],
                          capture_output=True, text=True, env=dict(os.environ), cwd=out.parent, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    csv = max((home / "runs" / CODE).glob(f"*/downloads/applications_{CODE}.csv"), key=lambda p: p.stat().st_mtime)
    assert hashlib.sha256(csv.read_bytes()).hexdigest() == download.sha256


def test_after_recording_deletes_the_recorded_downloads(recorded, registry, capsys):
    out, composed, events, _ = recorded
    saved = [Path(e.saved_to) for e in events if e.saved_to]
    assert saved and all(p.exists() for p in saved)
    assert after_recording(out, composed, events, registry.get(CODE), verify=True) == 0
    assert not any(p.exists() for p in saved)
    said = capsys.readouterr().out
    assert "記録時のファイルと同じ" in said and "問題ありません" in said
    assert "試しの確認（--dry-run、山口市）" in said and "/352039/login" in said  # the dry run resolved the portal URL
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["minutes_per_item"] >= 0.5


def test_the_command_records_until_enter_and_writes_the_file(registry, home, tmp_path):
    m = registry.get(CODE)
    out = tmp_path / "受付一覧を開く.yaml"
    done = subprocess.run([str(Path(sys.executable).with_name("kyodo")), "record", f"{m.portal_url}/login", "-m", m.name,
                           "-o", str(out), "--headless", "--no-verify"], input="\n", capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "記録中です" in done.stdout and "シナリオを書き出しました" in done.stdout
    scenario = load_scenario(out)
    assert [s.action for s in scenario.steps] == ["browser.open"]
    assert scenario.steps[0].with_["url"] == "${municipality.portal_url}/login"
    assert scenario.name == "recorded"  # a Japanese file name gives a valid scenario ID

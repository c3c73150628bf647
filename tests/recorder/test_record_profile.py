"""Recording a portal product kyodo's standard scenario should serve: the recording becomes a profile
(no new scenario), and the standard aggregation scenario with that profile gives the same rows as
with the hand-written profile of the same product."""

from __future__ import annotations

import os
import re
import shutil

import openpyxl
import pytest
import yaml

from kyodo.core.settings import reset_settings
from kyodo.runner.cli.recording import record_profile
from kyodo.runner.profiles import Profile
from kyodo.runner.registry import load_registry
from kyodo.runner.submit import run_scenario
from tests.conftest import REGISTRY

pytestmark = pytest.mark.browser

CODE = "352071"  # 下松市: the e-Shinsei クラウド product (profile denshi_b)


def _person(password: str):
    def act(recorder, page):
        page.fill("#login-id", f"kyodo-{CODE}")
        page.fill("#passwd", password)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.click("text=申込データのCSV出力")
        page.wait_for_load_state()
        page.select_option("#tetsuzuki", label="児童手当 現況届")
        page.fill("#from", "2026/04/01")
        page.fill("#to", "2026/09/30")
        with page.expect_download():
            page.click("button[name=dl]")
    return act


@pytest.fixture(scope="module")
def recorded(registry, home):
    """A copy of the sample registry in which 下松市 uses the recorded profile instead of denshi_b."""
    folder = home.parent / "config"
    shutil.copytree(REGISTRY.parent, folder)
    m = registry.get(CODE)
    password = os.environ[f"KYODO_SECRET_{m.credentials.password_secret}"]
    draft = record_profile(f"{m.portal_url}/auth/signin", folder / "profiles" / "recorded_b.yaml", m, title="記録した製品",
                           headless=True, act=_person(password), work_dir=home / "recordings")
    text = (folder / "municipalities.yaml").read_text(encoding="utf-8")
    block = re.compile(r'(code: "' + CODE + r'"(?:(?!\n  - code:).)*?profile: )denshi_b', re.S)
    (folder / "municipalities.yaml").write_text(block.sub(r"\1recorded_b", text, count=1), encoding="utf-8")
    return draft, folder


def test_the_profile_describes_the_product_like_the_hand_written_one(recorded):
    draft, folder = recorded
    written = yaml.safe_load((folder / "profiles" / "recorded_b.yaml").read_text(encoding="utf-8"))
    assert written == draft.body
    Profile.model_validate(written)
    shipped = yaml.safe_load((folder / "profiles" / "denshi_b.yaml").read_text(encoding="utf-8"))
    assert written["login"]["path"] == shipped["login"]["path"] == "/auth/signin"
    assert written["login"]["success"] == 'text="サインアウト"'
    assert written["export"]["page"] == shipped["export"]["page"]
    assert written["dates"]["format"] == shipped["dates"]["format"] == "yyyy/mm/dd"
    assert written["encoding"] == "cp932"
    required = {"受付番号", "受付日時", "手続名", "申請者氏名", "状態"}
    assert {k: v for k, v in written["columns"].items() if v in required} == {k: v for k, v in shipped["columns"].items() if v in required}
    assert written["statuses"] == shipped["statuses"]
    assert written["fullwidth_kana"] is True and written["number_columns"] == ["電話番号"]
    assert not list((folder.parent / "var" / "recordings").glob("*/*.csv"))  # the recording's download is gone


def _rows(results):
    [result] = results
    assert result.status == "succeeded", result.error
    [book] = result.artifact_dir.glob("*.xlsx")
    ws = openpyxl.load_workbook(book, read_only=True)["下松市"]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_the_standard_scenario_with_the_recorded_profile_gets_the_same_rows(recorded, home):
    _draft, folder = recorded
    params = {"procedure": "児童手当 現況届", "date_from": "2026-04-01", "date_to": "2026-09-30"}
    shipped = _rows(run_scenario("e_application_aggregation", [CODE], params))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYODO_REGISTRY", str(folder / "municipalities.yaml"))
        reset_settings()
        reg = load_registry(folder / "municipalities.yaml")
        assert reg.get(CODE).profile == "recorded_b"
        mine = _rows(run_scenario("e_application_aggregation", [CODE], params, registry=reg))
    reset_settings()
    assert len(shipped) > 2 and mine == shipped

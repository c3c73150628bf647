"""``kyodo registry validate`` and profile resolution: extends, municipality overrides, located problems."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo.runner.profiles import resolve_profile
from kyodo.runner.registry import load_registry

KYODO = str(Path(sys.executable).parent / "kyodo")
REPO = Path(__file__).resolve().parents[2]


def cli(*args, cwd=None, env=None):
    return subprocess.run([KYODO, *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, **(env or {})})


@pytest.fixture()
def config(tmp_path):
    dest = tmp_path / "config"
    shutil.copytree(REPO / "config", dest, ignore=shutil.ignore_patterns("municipalities"))
    return dest


def test_the_shipped_registry_and_profiles_are_clean(config):
    p = cli("registry", "validate", str(config / "municipalities.yaml"))
    assert p.returncode == 0, p.stderr
    assert "問題ありません" in p.stdout and "プロファイル 4 件" in p.stdout


def test_profiles_extend_and_municipalities_override_any_part(config):
    reg = load_registry(config / "municipalities.yaml")
    a, v2, lite = reg.get("352039"), reg.get("352152"), reg.get("352136")
    assert a.profile_view["export"]["mode"] == "button" and a.profile_view["columns"] == {}
    assert v2.profile_view["login"] == a.profile_view["login"] and v2.profile_view["columns"]["申請者名"] == "申請者氏名"
    assert lite.profile_view["export"]["mode"] == "list" and lite.profile_view["statuses"]["返戻"] == "差戻し"
    bodies = {"base": {"dates": {"start": "#a", "format": "iso"}}}
    p = resolve_profile("base", bodies, {"dates": {"format": "wareki"}})
    assert (p.dates.start, p.dates.format) == ("#a", "wareki"), "an override changes one key, keeps the rest"


def test_every_mistake_is_located_with_a_suggestion(config):
    reg = config / "municipalities.yaml"
    text = reg.read_text(encoding="utf-8")
    text = text.replace("profile: denshi_b_lite    # CSV", "profile: denshi_b_lit    # CSV", 1)
    text = text.replace('  - code: "352101"', '  - code: "352102"', 1)
    text = text.replace("    office: 下関市 デジタル推進課", "    ofice: 下関市 デジタル推進課", 1)
    text = text.replace('{scenario: e_application_aggregation, when: "毎週月曜 10:00"}',
                        '{scenario: e_application_agregation, when: "毎週月曜 10:61"}', 1)
    text = text.replace("column_map: {申請者名", "colum_map: {申請者名", 1)
    reg.write_text(text, encoding="utf-8")
    (config / "profiles" / "broken.yaml").write_text("extends: denshi_a\nlogin:\n  pth: /x\nexport: {mode: lst}\n"
                                                     "dates: {format: dd-MON}\n", encoding="utf-8")
    p = cli("registry", "validate", str(reg))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    out = p.stderr
    for expected in ("「ofice」はありません。「office」ですか?", "「352102」の検査数字", "「denshi_b_lit」はありません。「denshi_b_lite」ですか?",
                     "「e_application_agregation」はありません。「e_application_aggregation」ですか?", "10:61",
                     "「colum_map」はありません。「column_map」ですか?", "broken.yaml:3:3: login.pth: 項目「pth」はありません。「path」ですか?",
                     "broken.yaml:4:10: export.mode: 使える値は button / form / list です", "broken.yaml:5:", "dd-MON"):
        assert expected in out, (expected, out)
    lines = [line.strip() for line in out.splitlines()[1:] if line.strip()]
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines if ".yaml:" in line)


def test_a_broken_profile_stops_only_the_towns_using_it(config):
    (config / "profiles" / "denshi_b_lite.yaml").write_text("extends: denshi_b\nexport: {mode: lst}\n", encoding="utf-8")
    reg = load_registry(config / "municipalities.yaml")
    assert reg.get("352136").config_problem and "denshi_b_lite" in reg.get("352136").config_problem
    assert reg.get("352039").config_problem is None and reg.get("352071").config_problem is None


def test_scenario_validate_on_the_registry_points_to_registry_validate():
    p = cli("scenario", "validate", str(REPO / "config" / "municipalities.yaml"))
    assert p.returncode == 1 and "kyodo registry validate" in p.stderr and "必須の項目「name」" not in p.stderr

"""The standard 電子申請データ取りまとめ scenario end to end: real portal, real Chromium, real workbook."""

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from kyodo.runner.demo.portal.data import applications_for
from kyodo.runner.submit import run_scenario

pytestmark = pytest.mark.browser
KYODO = [str(Path(sys.executable).parent / "kyodo")]


def sheet_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] in ("自治体", "受付番号"))
    header = rows[header_at]
    return [dict(zip(header, r)) for r in rows[header_at + 1:]]


def test_three_municipalities_merge_despite_different_portal_versions(registry, store):
    codes = ["352039", "352021", "355020"]  # 宇部市 and 阿武町 run the older portal (other column names)
    [result] = run_scenario("e_application_aggregation", codes, registry=registry, store=store)
    assert result.status == "succeeded", result.error
    assert result.owner == "350001"
    [book] = result.artifact_dir.glob("電子申請取りまとめ_*.xlsx")
    wb = load_workbook(book)
    assert wb.sheetnames == ["集計", "山口市", "宇部市", "阿武町"]
    summary = {(r["自治体"], r["手続名"]): r for r in sheet_rows(wb["集計"]) if r["自治体"] != "合計"}
    for code in codes:
        name = registry.get(code).name
        apps = applications_for(code, name)
        got = sheet_rows(wb[name])
        assert [r["受付番号"] for r in got] == [a.receipt_no for a in apps]
        assert set(got[0]) >= {"申請者氏名", "状態", "手続名"}
        by_proc = Counter(a.procedure for a in apps)
        by_status = Counter((a.procedure, a.status) for a in apps)
        for proc, n in by_proc.items():
            assert summary[(name, proc)]["合計"] == n
            for (p, st), k in by_status.items():
                if p == proc:
                    assert summary[(name, proc)][st] == k
    ws = wb["山口市"]
    assert ws.cell(row=2, column=1).font.name == "游ゴシック"
    assert ws.freeze_panes == "A2"
    date_cell = ws.cell(row=2, column=[c.value for c in ws[1]].index("受付日時") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy/mm/dd hh:mm"
    rec = store.get_run(result.run_id)
    assert rec.status == "succeeded" and rec.items_ok == sum(len(applications_for(c, registry.get(c).name)) for c in codes)
    assert any(a.path.endswith(".xlsx") for a in rec.artifacts)


def test_procedure_and_period_params_filter_the_export(registry, store):
    params = {"procedure": "妊娠の届出", "date_from": "2026-07-01", "date_to": "2026-09-30"}
    [result] = run_scenario("e_application_aggregation", ["352047"], params, registry=registry, store=store)
    assert result.status == "succeeded", result.error
    wb = load_workbook(next(result.artifact_dir.glob("*.xlsx")))
    got = [r["受付番号"] for r in sheet_rows(wb["萩市"])]
    want = [a.receipt_no for a in applications_for("352047", "萩市")
            if a.procedure == "妊娠の届出" and "2026-07-01" <= a.received_at.date().isoformat() <= "2026-09-30"]
    assert got == want and want


def test_wrong_password_for_one_town_keeps_the_others(registry, store, monkeypatch):
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352021", "wrong-password-123")
    [result] = run_scenario("e_application_aggregation", ["352039", "352021"], registry=registry, store=store)
    assert result.status == "partial"
    [err] = result.item_errors
    assert err["item"] == "宇部市(352021)" and "ログインできませんでした" in err["message"]
    assert "ポータルにログイン" in err["message"] or "browser.login" in err["message"]
    wb = load_workbook(next(result.artifact_dir.glob("*.xlsx")))
    assert wb.sheetnames == ["集計", "山口市", "エラー"]
    assert list(result.artifact_dir.glob("failure-*352021-login.png"))


def test_missing_column_mapping_names_the_column_and_the_fix(registry, store):
    registry.get("352021").overrides.clear()  # forget 宇部市's column_map
    [result] = run_scenario("e_application_aggregation", ["352021"], registry=registry, store=store)
    assert result.status == "failed"  # the only town failed: nothing useful to write
    msg = result.item_errors[0]["message"]
    assert msg in result.error
    assert "申請者氏名" in msg and "申請者名" in msg and "column_map" in msg


def cli(*args, env=None):
    return subprocess.run([*KYODO, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_cli_single_municipality_failure_exits_nonzero_and_keeps_earlier_output(registry, kyodo_home):
    ok = cli("run", "e_application_aggregation", "--municipality", "352039")
    assert ok.returncode == 0, ok.stderr + ok.stdout
    [book] = (kyodo_home / "runs" / "352039").glob("*/電子申請取りまとめ_*.xlsx")
    digest = hashlib.sha256(book.read_bytes()).hexdigest()

    bad = cli("run", "e_application_aggregation", "--municipality", "352039",
              env={"KYODO_SECRET_PORTAL_352039": "nope-nope"})
    assert bad.returncode == 1
    assert "山口市(352039)" in bad.stdout and "ログインできませんでした" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest
    assert len(list((kyodo_home / "runs" / "352039").iterdir())) == 2


def test_cli_rejects_a_code_with_a_bad_check_digit(kyodo_home):
    r = cli("run", "e_application_aggregation", "--municipality", "352038")
    assert r.returncode == 2 and "検査数字" in r.stderr and "Traceback" not in r.stderr
    assert not (kyodo_home / "runs").exists()


def test_cli_portal_down_is_reported_per_municipality(kyodo_home, monkeypatch):
    from kyodo.runner.webserver import free_port

    r = cli("run", "e_application_aggregation", "--municipality", "352039",
            env={"KYODO_PORTAL_URL": f"http://127.0.0.1:{free_port()}",
                 "KYODO_SECRET_PORTAL_352039": "any-password"})  # a password is there: only the portal is missing
    assert r.returncode == 1
    assert "接続できません" in r.stdout and "山口市(352039)" in r.stdout


def test_cli_reports_scenario_mistakes_before_running(kyodo_home, tmp_path):
    data = yaml.safe_load(Path("scenarios/e_application_aggregation.yaml").read_text(encoding="utf-8"))
    data["steps"][1]["action"] = "table.concatt"
    data["steps"][2]["with"]["table"] = "${all_rowz}"
    f = tmp_path / "broken.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = cli("run", str(f), "--municipality", "352039")
    assert r.returncode == 2
    assert "table.concatt" in r.stderr and "table.concat" in r.stderr
    assert "all_rowz" in r.stderr and "all_rows" in r.stderr
    assert not (kyodo_home / "runs").exists()

"""Nothing leaks: secrets and personal data never reach logs, messages, HTML dumps or the database."""

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kyodo.robots.normalize import is_valid_my_number
from kyodo.robots.reconcile.demo_data import write_demo_tax_inputs
from kyodo.runner.demo.portal.data import GIVEN, SURNAMES
from kyodo.runner.submit import run_scenario

pytestmark = pytest.mark.browser


def every_file_text(root: Path) -> dict[Path, str]:
    """Every file under root as text; xlsx are unzipped; SQLite databases are dumped."""
    out = {}
    for p in root.rglob("*"):
        if not p.is_file():
            continue
        raw = p.read_bytes()
        if raw[:2] == b"PK":
            with zipfile.ZipFile(p) as z:
                raw = b"".join(z.read(n) for n in z.namelist())
        if p.suffix == ".db":
            con = sqlite3.connect(p)
            raw += "\n".join(str(r) for t in con.execute("select name from sqlite_master where type='table'")
                             for r in con.execute(f"select * from {t[0]}")).encode()
            con.close()
        out[p] = raw.decode("utf-8", errors="ignore") + raw.decode("cp932", errors="ignore")
    return out


def test_failed_login_password_is_nowhere(registry, store, kyodo_home, monkeypatch):
    known = "Kn0wn-Wr0ng-P@ss-4321"
    monkeypatch.setenv("KYODO_SECRET_PORTAL_352039", known)
    good_ube = __import__("os").environ["KYODO_SECRET_PORTAL_352021"]
    [r] = run_scenario("e_application_aggregation", ["352039", "352021"], registry=registry, store=store)
    assert r.status == "partial"
    assert list(r.artifact_dir.glob("failure-*352039-login.html")), "the failure evidence exists"
    texts = every_file_text(kyodo_home)
    assert any(p.suffix == ".db" for p in texts) and any(p.name == "run.log" for p in texts)
    for p, text in texts.items():
        assert known not in text, f"wrong password leaked into {p}"
        assert good_ube not in text, f"a real password leaked into {p}"
    assert_private(kyodo_home / "runs")
    assert_private(kyodo_home / "outputs")


def assert_private(root: Path) -> None:
    """Run folders and published outputs: 0700 folders, 0600 files, from the top folder down."""
    seen = 0
    for p in [root, *root.rglob("*")]:
        mode = p.stat().st_mode & 0o777
        assert mode == (0o700 if p.is_dir() else 0o600), f"{oct(mode)} {p}"
        seen += p.is_file()
    assert seen >= 1


def test_demo_runs_leave_no_my_number_or_resident_name_in_logs_or_db(registry, store, kyodo_home):
    for code in ("352039", "352063"):
        write_demo_tax_inputs(kyodo_home / "data" / code, code, int(code), people=40)
    [agg] = run_scenario("e_application_aggregation", ["352039", "352021"], registry=registry, store=store)
    tax = run_scenario("tax_reconciliation", ["352039", "352063"], registry=registry, store=store)
    # make the tax run fail on a bad row that quotes personal data, to exercise error masking
    from openpyxl import load_workbook

    ledger = kyodo_home / "data" / "352063" / "ledger.xlsx"
    wb = load_workbook(ledger)
    wb.active["H8"] = str(wb.active["C8"].value) + " " + str(wb.active["B8"].value)
    wb.save(ledger)
    [bad] = run_scenario("tax_reconciliation", ["352063"], registry=registry, store=store)
    assert agg.status == "succeeded" and all(t.status == "succeeded" for t in tax) and bad.status == "failed"
    from kyodo.robots.ocr import sample_forms
    from kyodo.robots.reconcile import demo_data as tax_demo

    scans = kyodo_home / "data" / "352021" / "scans"
    sample_forms.write_sample_forms(scans, 2, 7, degraded=True)
    for j in scans.glob("*.json"):
        j.unlink()  # the ground truth is ours, not the robot's
    (scans / "壊れた.jpg").write_bytes(b"\xff\xd8\xff garbage")
    [ocr] = run_scenario("paper_application_ocr", ["352021"], registry=registry, store=store)
    assert ocr.status == "partial", ocr.error
    names = {f"{s} {g}" for s in SURNAMES for g in GIVEN} | {f"{s} {g}" for s in tax_demo.SURNAMES for g in tax_demo.GIVEN}
    names |= {f"{s}{sep}{g}" for s in sample_forms.SURNAMES for g in sample_forms.GIVEN for sep in (" ", "　")}
    logs_and_dbs = {p: t for p, t in every_file_text(kyodo_home).items() if p.name == "run.log" or p.suffix == ".db"}
    assert len(logs_and_dbs) >= 5
    for p, text in logs_and_dbs.items():
        numbers = [n for n in re.findall(r"(?<!\d)\d{12}(?!\d)", text) if is_valid_my_number(n)]
        assert not numbers, f"マイナンバー in {p}: {numbers[:3]}"
        leaked = [n for n in names if n in text]
        assert not leaked, f"resident names in {p}: {leaked[:3]}"
    assert "[個人番号]" in bad.error or "＊＊＊" in bad.error

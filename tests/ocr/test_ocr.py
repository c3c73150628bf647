"""The OCR robot with the real tesseract (jpn) on forms rendered with Noto CJK."""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image

from robots.errors import BusinessError
from robots.ocr.fields import validate
from robots.ocr.reader import read_batch
from robots.ocr.sample_forms import write_sample_forms
from robots.ocr.templates import all_templates, load_template

pytestmark = pytest.mark.ocr


def n(v):
    return re.sub(r"\s+", "", str(v))


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    d = tmp_path_factory.mktemp("scans")
    clean = write_sample_forms(d / "clean", 2, 11, False)
    bad = write_sample_forms(d / "degraded", 2, 12, True)
    return d, clean, bad


def check_batch(folder, files):
    batch = read_batch(files, all_templates())
    assert len(batch.pages) == len(files) and not batch.rejected
    right = total = silent = 0
    for page in batch.pages:
        truth = json.loads((folder / (page.file.rsplit(".", 1)[0] + ".json")).read_text(encoding="utf-8"))
        assert page.form == truth["form"]
        for f in page.fields:
            total += 1
            ok = (f.value == truth["values"][f.name]) if f.type == "チェックボックス" else n(f.value) == n(truth["values"][f.name])
            right += ok
            silent += (not ok) and not f.needs_review
    return batch, right / total, silent


def test_clean_forms_are_read_field_by_field(forms):
    d, clean, _ = forms
    batch, accuracy, silent = check_batch(d / "clean", clean)
    assert accuracy >= 0.9 and silent == 0
    dates = [f for p in batch.pages for f in p.fields if f.type == "日付"]
    assert all(f.valid and re.fullmatch(r"令和\d+年\d+月\d+日", f.value) for f in dates)


def test_degraded_scans_are_aligned_and_read(forms):
    d, _, bad = forms
    _, accuracy, silent = check_batch(d / "degraded", bad)
    assert accuracy >= 0.85 and silent == 0


def test_bad_files_go_to_the_review_list_and_the_rest_is_read(forms, tmp_path):
    d, clean, _ = forms
    shutil.copy(clean[0], tmp_path / "a_ok.png")
    Image.new("L", (2480, 3508), 255).save(tmp_path / "b_blank.png")
    Image.open(clean[1]).rotate(180).save(tmp_path / "c_upside_down.png")
    (tmp_path / "d_corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "e_not_an_image.pdf").write_bytes(b"%PDF-1.4 broken")
    other = Image.new("L", (2480, 3508), 255)
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(other)
    draw.text((300, 300), "住民票の写し等交付請求書", font=ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 90), fill=0)
    other.save(tmp_path / "f_other_form.png")
    files = sorted(p for p in tmp_path.iterdir())
    batch = read_batch(files, all_templates())
    assert [p.file for p in batch.pages] == ["a_ok.png", "c_upside_down.png"]
    assert batch.pages[1].flipped
    reasons = {r["ファイル"]: r["理由"] for r in batch.rejected}
    assert "白紙" in reasons["b_blank.png"]
    assert "読めません" in reasons["d_corrupt.png"] and "読めません" in reasons["e_not_an_image.pdf"]
    assert "マーク" in reasons["f_other_form.png"]


def test_validators():
    assert validate("日付", "令和8年3月10日") == ("令和8年3月10日", True, "")
    assert validate("日付", "令和8年2月30日")[1] is False
    assert validate("電話番号", "083-922-1111")[1] and not validate("電話番号", "083-92-111")[1]
    assert validate("郵便番号", "753-0001")[1] and not validate("郵便番号", "7530001")[1]
    assert validate("金額", "1,234,000") == ("1,234,000", True, "")
    assert validate("text", "山口 県 山口 市")[0] == "山口県山口市"


def test_template_zone_outside_the_page_is_refused(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: bad\ntitle: x\nanchor: x\nfields:\n  - {name: a, box: [0.9, 0.5, 0.3, 0.1]}\n", encoding="utf-8")
    with pytest.raises(BusinessError, match="はみ出し"):
        load_template(f)


def test_scenario_end_to_end_with_review_sheet(kyodo_home, forms):
    from runner.submit import run_scenario

    d, clean, bad = forms
    scans = kyodo_home / "data" / "352039" / "scans"
    scans.mkdir(parents=True)
    for p in [*clean, *bad]:
        shutil.copy(p, scans / f"{p.parent.name}_{p.name}")
    (scans / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    [r] = run_scenario("paper_application_ocr", ["352039"])
    assert r.status == "partial", r.error  # the broken file is listed for a person, the rest is read
    wb = load_workbook(next(r.artifact_dir.glob("申請書読取_352039_*.xlsx")))
    assert wb.sheetnames == ["罹災証明書交付申請書", "児童手当現況届", "要確認（項目）", "要確認（ファイル）"]
    rows = sum(wb[s].max_row - 1 for s in ("罹災証明書交付申請書", "児童手当現況届"))
    assert rows == 4
    assert [c.value for c in wb["要確認（ファイル）"]["A"]][1:] == ["broken.jpg"]
    review = wb["要確認（項目）"]
    assert len(review._images) == review.max_row - 1


def test_pdf_scans_are_rendered_and_read(forms, tmp_path):
    d, clean, _ = forms
    pdf = tmp_path / "scan.pdf"
    Image.open(clean[0]).convert("RGB").save(pdf, "PDF", resolution=300)
    batch = read_batch([pdf], all_templates())
    assert len(batch.pages) == 1 and not batch.rejected
    truth = json.loads(clean[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert batch.pages[0].form == truth["form"]
    dates = {f.name: f.value for f in batch.pages[0].fields if f.type == "日付"}
    assert dates == {k: v for k, v in truth["values"].items() if k in dates}

"""The OCR robot with the real tesseract (jpn) on forms rendered with Noto CJK."""

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont

from kyodo.core.errors import BusinessError
from kyodo.robots.context import RunContext
from kyodo.robots.normalize import parse_date
from kyodo.robots.ocr.fields import validate
from kyodo.robots.ocr.reader import read_batch
from kyodo.robots.ocr.render import FONT, render
from kyodo.robots.ocr.sample_forms import write_sample_forms
from kyodo.robots.ocr.templates import FormField, all_templates, load_template

pytestmark = pytest.mark.ocr


def n(v):
    return re.sub(r"\s+", "", str(v))


def right(f, want):
    """A read field against the ground truth: dates as dates, ticks as booleans, text with its spaces."""
    if f.type == "日付":
        return f.value == parse_date(want)
    if f.type == "チェックボックス":
        return f.value == want
    return re.sub(r"\s+", " ", str(f.value)) == re.sub(r"\s+", " ", str(want))


def truth_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    d = tmp_path_factory.mktemp("scans")
    clean = write_sample_forms(d / "clean", 2, 11, False)
    bad = write_sample_forms(d / "degraded", 2, 12, True)
    return d, clean, bad


def check_batch(files):
    """Field accuracy and silent errors (wrong and not flagged) against the ground truth."""
    batch = read_batch(files, all_templates())
    assert len(batch.pages) == len(files) and not batch.rejected
    hits = total = silent = 0
    for page, path in zip(batch.pages, files):
        truth = truth_of(path)
        assert page.file == path.name and page.form == truth["form"]
        for f in page.fields:
            total += 1
            ok = right(f, truth["values"][f.name])
            hits += ok
            silent += (not ok) and not f.needs_review
    return batch, hits / total, silent


def test_clean_forms_are_read_field_by_field(forms):
    _, clean, _ = forms
    batch, accuracy, silent = check_batch(clean)
    assert accuracy >= 0.95 and silent == 0
    dates = [f for p in batch.pages for f in p.fields if f.type == "日付"]
    assert dates and all(f.valid and f.value.isoformat() and re.fullmatch(r"令和\d+年\d+月\d+日", f.original) for f in dates)
    names = [f for p in batch.pages for f in p.fields if f.type == "氏名" and not f.needs_review]
    assert names and all("\u3000" in f.value for f in names)  # 山田　花子, never 山田花子
    for page, path in zip(batch.pages, clean):  # constrained fields: exactly the ground truth
        truth = truth_of(path)["values"]
        for f in page.fields:
            if f.type in ("電話番号", "郵便番号", "数字", "チェックボックス"):
                assert f.value == truth[f.name] or f.needs_review, (f.name, f.value)


def test_degraded_scans_are_aligned_and_read(forms):
    _, _, bad = forms
    _, accuracy, silent = check_batch(bad)
    assert accuracy >= 0.9 and silent == 0


def test_scan_without_corner_marks_is_aligned_on_the_printed_layout(forms, tmp_path):
    """A photocopy that cut the marks off, rotated and upside down, is still read right."""
    _, _, bad = forms
    im = Image.open(bad[0]).convert("L")
    d = ImageDraw.Draw(im)
    for box in ([0, 0, 400, 260], [2080, 0, 2480, 260], [0, 3250, 400, 3508], [2080, 3250, 2480, 3508]):
        d.rectangle(box, fill=255)
    im.rotate(180).save(tmp_path / "copy.png")
    batch = read_batch([tmp_path / "copy.png"], all_templates())
    assert not batch.rejected and batch.pages[0].flipped
    truth = truth_of(bad[0])
    assert batch.pages[0].form == truth["form"]
    for f in batch.pages[0].fields:
        if not f.needs_review:
            assert right(f, truth["values"][f.name]), f.name


def test_bad_files_go_to_the_review_list_and_the_rest_is_read(forms, tmp_path):
    _, clean, _ = forms
    shutil.copy(clean[0], tmp_path / "a_ok.png")
    Image.new("L", (2480, 3508), 255).save(tmp_path / "b_blank.png")
    Image.open(clean[1]).rotate(180).save(tmp_path / "c_upside_down.png")
    (tmp_path / "d_corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "e_not_an_image.pdf").write_bytes(b"%PDF-1.4 broken")
    other = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(other).text((300, 300), "住民票の写し等交付請求書", font=ImageFont.truetype(FONT, 90), fill=0)
    other.save(tmp_path / "f_other_form.png")
    # a kyodo-style form (corner marks and all) whose title is none of the templates
    stranger = load_template("risai_shomei").model_copy(update={"title": "住民票の写し等交付請求書"})
    render(stranger, {}).save(tmp_path / "g_other_marked_form.png")
    files = sorted(tmp_path.iterdir())
    batch = read_batch(files, all_templates())
    assert [p.file for p in batch.pages] == ["a_ok.png", "c_upside_down.png"]
    assert batch.pages[1].flipped and batch.pages[1].form == truth_of(clean[1])["form"]
    reasons = {r["ファイル"]: r["理由"] for r in batch.rejected}
    assert set(reasons) == {"b_blank.png", "d_corrupt.png", "e_not_an_image.pdf", "f_other_form.png", "g_other_marked_form.png"}
    assert "白紙" in reasons["b_blank.png"]
    assert "読めません" in reasons["d_corrupt.png"] and "読めません" in reasons["e_not_an_image.pdf"]
    assert "マーク" in reasons["f_other_form.png"]
    assert "様式を判別できません" in reasons["g_other_marked_form.png"]


def test_validators():
    assert validate("日付", "令和8年3月10日") == (date(2026, 3, 10), True, "")
    assert validate("日付", "令和8年2月30日")[1] is False
    assert validate("電話番号", "083-922-1111")[1] and not validate("電話番号", "083-92-111")[1]
    assert validate("郵便番号", "753-0001")[1] and not validate("郵便番号", "753001")[1]
    assert validate("郵便番号", "7530001")[:2] == ("753-0001", True)  # a dropped hyphen: its place is fixed
    assert validate("金額", "1,234,000") == ("1,234,000", True, "")
    assert validate("金額", "4100,000") == ("4,100,000", True, "")  # a dropped comma: the digits decide
    assert validate("金額", "41O,000")[1] is False
    assert validate("数字", "12a")[1] is False
    assert validate("text", "山口県山口市 コーポ 101")[0] == "山口県山口市\u3000コーポ\u3000101"  # a person's spaces kept
    box = (0.1, 0.1, 0.2, 0.05)
    kids = FormField(name="児童数", type="数字", box=box, min=1, max=9)
    assert validate("数字", "3", kids)[1] and not validate("数字", "12", kids)[1]
    kind = FormField(name="種別", box=box, choices=["住家", "非住家"])
    assert validate("text", "非佳家", kind)[:2] == ("非住家", True)
    assert validate("text", "店舗", kind)[1] is False
    code = FormField(name="番号", box=box, pattern=r"[A-Z]\d{3}")
    assert validate("text", "A123", code)[1] and not validate("text", "A12", code)[1]


def test_template_zone_outside_the_page_is_refused(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: bad\ntitle: x\nanchor: x\nfields:\n  - {name: a, box: [0.9, 0.5, 0.3, 0.1]}\n", encoding="utf-8")
    with pytest.raises(BusinessError, match="1番目.*はみ出し"):
        load_template(f)
    with pytest.raises(BusinessError, match="ありません"):
        load_template("no_such_form")


def test_action_lists_a_broken_template_and_reads_with_the_others(forms, tmp_path):
    from kyodo.robots.ocr.actions import read_forms, write_workbook

    _, clean, _ = forms
    inbox = tmp_path / "in"
    (inbox / "scans").mkdir(parents=True)
    for p in clean:
        shutil.copy(p, inbox / "scans" / p.name)
    (inbox / "scans" / "memo.txt").write_text("x", encoding="utf-8")
    (inbox / "broken.yaml").write_text(
        "name: broken\ntitle: 壊れた様式\nanchor: 壊れた様式\nfields:\n  - {name: 氏名, box: [0.8, 0.2, 0.4, 0.05]}\n",
        encoding="utf-8")
    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "out", input_dirs=(inbox,))
    result = read_forms(ctx, folder="scans", templates=["risai_shomei", "jido_teate_genkyo", "broken.yaml"])
    assert len(result.rows) == 2 and set(result.rows["様式"]) <= {"罹災証明書交付申請書", "児童手当現況届"}
    tables = result.tables
    assert sum(len(df) for df in tables.values()) == 2
    assert list(tables["児童手当現況届"].columns)[:4] == ["ファイル", "提出日", "提出日（原文）", "受給者氏名"]
    rejected = dict(zip(result.rejected["ファイル"], result.rejected["理由"]))
    assert "はみ出し" in rejected["テンプレート broken.yaml"] and "対応していない形式" in rejected["memo.txt"]
    assert ctx.stats.items_ok == 2 and ctx.stats.items_failed == 2
    out = write_workbook(ctx, result=result, path="結果.xlsx")
    wb = load_workbook(out)
    assert [c.value for c in wb["要確認（ファイル）"]["A"]][1:] == ["テンプレート broken.yaml", "memo.txt"]
    with pytest.raises(BusinessError, match="フォルダ"):
        read_forms(ctx, folder="nothing_here", templates=["risai_shomei"])
    with pytest.raises(BusinessError, match="許可されたフォルダの外"):
        read_forms(ctx, folder="../..", templates=["risai_shomei"])


def test_scenario_end_to_end_with_review_sheet(kyodo_home, forms):
    from kyodo.runner.submit import run_scenario

    _, clean, bad = forms
    scans = kyodo_home / "data" / "352039" / "scans"
    scans.mkdir(parents=True)
    for p in [*clean, *bad]:
        shutil.copy(p, scans / f"{p.parent.name}_{p.name}")
    (scans / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    [r] = run_scenario("paper_application_ocr", ["352039"])
    assert r.status == "partial", r.error  # the broken file is listed for a person, the rest is read
    [path] = r.artifact_dir.glob("申請書読取_352039_*.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["罹災証明書交付申請書", "児童手当現況届", "印鑑登録申請書", "要確認（項目）", "要確認（ファイル）"]
    rows = sum(wb[s].max_row - 1 for s in ("罹災証明書交付申請書", "児童手当現況届"))
    assert rows == 4
    assert [c.value for c in wb["要確認（ファイル）"]["A"]][1:] == ["broken.jpg"]
    review = wb["要確認（項目）"]
    assert len(review._images) == review.max_row - 1
    # every flagged row on a form sheet names its doubtful fields, and they are on the review sheet
    flagged = {(row[0].value, name) for s in ("罹災証明書交付申請書", "児童手当現況届") for row in wb[s].iter_rows(min_row=2)
               for name in (row[-1].value or "").split("、") if name}
    assert flagged == {(row[0].value, row[2].value) for row in review.iter_rows(min_row=2)}


def test_pdf_scans_are_rendered_and_read(forms, tmp_path):
    _, clean, _ = forms
    pdf = tmp_path / "scan.pdf"
    pages = [Image.open(p).convert("RGB") for p in clean]
    pages[0].save(pdf, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    batch = read_batch([pdf], all_templates())
    assert [p.file for p in batch.pages] == ["scan.pdf p1", "scan.pdf p2"] and not batch.rejected
    for page, src in zip(batch.pages, clean):
        truth = truth_of(src)
        assert page.form == truth["form"]
        dates = {f.name: f.value for f in page.fields if f.type == "日付" and not f.needs_review}
        assert dates == {k: parse_date(v) for k, v in truth["values"].items() if k in dates}

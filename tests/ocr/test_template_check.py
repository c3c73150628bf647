"""``kyodo ocr check``: a DX leader checks a new form template against a real scan (real tesseract)."""

import json
import re

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from kyodo.robots.ocr.preview import GREEN, RED
from kyodo.robots.ocr.sample_forms import write_sample_forms
from kyodo.robots.ocr.templates import load_template
from kyodo.runner.cli import app

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    d = tmp_path_factory.mktemp("check")
    return d, write_sample_forms(d, 2, 21, degraded=True)  # scan_001: 罹災証明, scan_002: 児童手当


def colour_at_box(png, box):
    """The colour of the zone's top border on the preview image."""
    img = np.asarray(Image.open(png).convert("RGB"))
    h, w = img.shape[:2]
    x, y, bw = int(box[0] * w), int(box[1] * h), int(box[2] * w)
    return tuple(int(c) for c in img[y, x + bw // 2])


def test_check_reads_every_zone_and_draws_it(scans):
    d, files = scans
    scan = next(f for f in files if json.loads(f.with_suffix(".json").read_text(encoding="utf-8"))["form"] == "risai_shomei")
    truth = json.loads(scan.with_suffix(".json").read_text(encoding="utf-8"))["values"]
    out = d / "preview.png"
    res = CliRunner().invoke(app, ["ocr", "check", "risai_shomei", str(scan), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = re.sub(r"\s+", "", res.output)
    for field in ("郵便番号", "電話番号"):
        assert truth[field] in text, field
    assert "注意" not in res.output, "the title is recognised"
    verdicts = verdicts_of(res.output)
    t = load_template("risai_shomei")
    assert set(verdicts) == {f.name for f in t.fields}
    assert sum(v == "OK" for v in verdicts.values()) >= 7, "a clean-enough scan reads most fields"
    for f in t.fields:  # each zone is drawn where the template says, coloured by its verdict
        assert colour_at_box(out, f.box) == (GREEN if verdicts[f.name] == "OK" else RED), f.name


def verdicts_of(output):
    """{field: "OK" | "要確認"} from the CLI's table."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]
    return {r[1]: ("OK" if r[5] == "OK" else "要確認") for r in rows if len(r) == 6}


def test_the_wrong_template_is_said_and_its_zones_are_red(scans):
    d, files = scans
    scan = next(f for f in files if json.loads(f.with_suffix(".json").read_text(encoding="utf-8"))["form"] == "jido_teate_genkyo")
    out = d / "wrong.png"
    res = CliRunner().invoke(app, ["ocr", "check", "risai_shomei", str(scan), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "注意" in res.output and "判別されません" in res.output and "要確認" in res.output
    t = load_template("risai_shomei")
    count_box = next(f.box for f in t.fields if f.name == "必要部数")  # empty on the other form: required → review
    assert colour_at_box(out, count_box) == RED


def test_a_broken_template_gets_a_located_japanese_error(tmp_path):
    bad = tmp_path / "my_form.yaml"
    bad.write_text("name: my_form\ntitle: テスト様式\nanchor: テスト様式\nfields:\n"
                   "  - {name: 氏名, type: text, box: [0.8, 0.2, 0.4, 0.03]}\n"
                   "  - {name: 日付, type: 日時, box: [0.1, 0.3, 0.3, 0.03]}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["ocr", "check", str(bad)])
    assert res.exit_code == 2
    assert "my_form.yaml" in res.output and "1番目" in res.output and "はみ出し" in res.output and "2番目" in res.output
    assert "Traceback" not in res.output


def test_without_a_scan_it_lists_the_zones_and_draws_the_layout(tmp_path):
    out = tmp_path / "layout.png"
    res = CliRunner().invoke(app, ["ocr", "check", "jido_teate_genkyo", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "児童数" in res.output and "誤りはありません" in res.output
    t = load_template("jido_teate_genkyo")
    assert colour_at_box(out, t.fields[0].box) == GREEN

"""read_forms tells people watching how far it got: one tick per file, in file order, from the action's thread."""

import threading

from PIL import Image

from kyodo.robots.context import RunContext
from kyodo.robots.ocr.actions import read_forms
from kyodo.robots.progress import ProgressReporter


def test_read_forms_reports_progress_per_file_in_order(tmp_path):
    scans = tmp_path / "in" / "scans"
    scans.mkdir(parents=True)
    for name in ("a.png", "b.png", "c.png"):
        Image.new("L", (620, 877), 255).save(scans / name)  # blank pages: rejected fast, no tesseract needed
    (scans / "d.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    seen, threads = [], set()

    def sink(tick):
        seen.append((tick.label, tick.done, tick.total, tick.item))
        threads.add(threading.get_ident())

    ctx = RunContext(run_id="t", artifact_dir=tmp_path / "out", input_dirs=(tmp_path / "in",),
                     progress_reporter=ProgressReporter(sink, min_interval=0))
    result = read_forms(ctx, folder="scans", templates=["risai_shomei"])
    assert len(result.rejected) == 4 and len(result.rows) == 0
    assert seen == [("ファイル", 0, 4, ""), ("ファイル", 1, 4, "a.png"), ("ファイル", 2, 4, "b.png"),
                    ("ファイル", 3, 4, "c.png"), ("ファイル", 4, 4, "d.png")]
    assert threads == {threading.get_ident()}, "ticks come from the action's thread, not the pool's"

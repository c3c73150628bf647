"""The recording browser: Chromium with the capture script in every page, and downloads kept.

The same code runs headed (a DX leader at a desktop) and headless (tests, where a scripted
"person" acts through the same page). Playwright's sync API only delivers events while one of
its calls is running, so :meth:`Recorder.pump` waits *through* Playwright.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kyodo.robots.browser._session import CHROMIUM_ARGS, chromium_path, driver
from kyodo.runner.recorder.events import Event, EventKind

CAPTURE_JS = (Path(__file__).with_name("_capture.js")).read_text(encoding="utf-8")


class Recorder:
    """Collects the events of one browser context (every page and popup in it)."""

    def __init__(self, context: Any, download_dir: Path) -> None:
        self.events: list[Event] = []
        self.started = time.time()
        self._lock = threading.Lock()
        self._download_dir = download_dir
        download_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        context.expose_binding("__kyodoRecord", self._on_binding)
        context.add_init_script(script=CAPTURE_JS)
        context.on("page", self._watch)
        for page in context.pages:
            self._watch(page)

    def _on_binding(self, source: Any, payload: str) -> None:
        try:
            event = Event.from_page(json.loads(payload))
        except (ValueError, KeyError, TypeError):
            return  # a page that fakes the binding cannot break the recording
        with self._lock:
            self.events.append(event)

    def _watch(self, page: Any) -> None:
        page.on("download", self._on_download)

    def _on_download(self, download: Any) -> None:
        name = Path(download.suggested_filename).name or "download"
        target = self._download_dir / name
        download.save_as(target)
        target.chmod(0o600)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        with self._lock:
            self.events.append(Event(EventKind.DOWNLOAD, t=time.time(), url=download.url, filename=name,
                                     sha256=digest, saved_to=str(target)))

    def pump(self, page: Any, seconds: float = 0.3) -> None:
        """Let Playwright deliver pending events (bindings, downloads)."""
        if not page.is_closed():
            page.wait_for_timeout(int(seconds * 1000))

    def minutes(self) -> float:
        """How long the person has been working: the manual time per item for the effect report."""
        return (time.time() - self.started) / 60.0


@contextmanager
def recording_browser(url: str, download_dir: Path, *, headless: bool | None = None) -> Iterator[tuple[Recorder, Any]]:
    """Chromium with a recorder attached and ``url`` opened; closed on exit."""
    if headless is None:
        headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    # The thread's one Playwright driver is shared with the browser robot (a replay right after
    # recording runs in the same thread); the recording gets a browser of its own.
    browser = driver().chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=headless)
    try:
        context = browser.new_context(accept_downloads=True, locale="ja-JP", timezone_id="Asia/Tokyo")
        recorder = Recorder(context, download_dir)
        page = context.new_page()
        page.goto(url)
        yield recorder, page
        recorder.pump(page)
    finally:
        browser.close()

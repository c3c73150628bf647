"""Browser robot: Playwright driving Debian's Chromium, one browser per process, a context per run."""

from kyodo.robots.browser._session import CHROMIUM_ARGS, browser, chromium_path, shutdown

__all__ = ["CHROMIUM_ARGS", "browser", "chromium_path", "shutdown"]

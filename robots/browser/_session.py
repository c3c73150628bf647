"""One Chromium per process (per thread, as Playwright's sync API requires), a fresh context per run.

Debian's ``/usr/bin/chromium`` is used because Playwright's own browser downloads are not
available in closed municipal networks; the flags stop Chromium from phoning home.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
from typing import Any

from playwright.sync_api import sync_playwright

from kyodo.core.errors import ApplicationError
from kyodo.core.settings import load_settings
from kyodo.robots.context import RunContext

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
]

_local = threading.local()


def chromium_path() -> str:
    """The Chromium binary: ``KYODO_CHROMIUM`` or Debian's package."""
    path = load_settings().chromium or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise ApplicationError("Chromium が見つかりません。", hint="make demo / make test が apt で chromium を入れます（または KYODO_CHROMIUM を設定）。")
    return path


def driver() -> Any:
    """This thread's Playwright driver (the sync API allows one per thread), started on first use."""
    pw = getattr(_local, "pw", None) or sync_playwright().start()
    _local.pw = pw
    return pw


def browser() -> Any:
    """This thread's Chromium, launched on first use and closed at exit."""
    b = getattr(_local, "browser", None)
    if b is not None and b.is_connected():
        return b
    pw = driver()
    headless = not load_settings().headful
    b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=headless)
    _local.browser = b
    atexit.register(shutdown)
    return b


def shutdown() -> None:
    """Close this thread's browser and Playwright driver."""
    b, pw = getattr(_local, "browser", None), getattr(_local, "pw", None)
    _local.browser = _local.pw = None
    try:
        if b is not None:
            b.close()
    except Exception:
        pass
    try:
        if pw is not None:
            pw.stop()
    except Exception:
        pass


def page(ctx: RunContext, timeout_seconds: float | None = None) -> Any:
    """The page for this run and municipality: a new browser context per municipality.

    Moving on to the next municipality in a loop closes the previous one's context, so
    cookies and logins never leak between municipalities.
    """
    key = f"browser:{ctx.municipality_code}"
    current = ctx.resources.get("browser:current")
    if current and current[0] != key:
        try:
            current[1].close()
        except Exception:
            pass
        ctx.resources.pop(current[0], None)
        ctx.resources.pop("browser:current", None)
    if key not in ctx.resources:
        bctx = browser().new_context(accept_downloads=True, locale="ja-JP", timezone_id="Asia/Tokyo",
                                     viewport={"width": 1280, "height": 900})
        bctx.set_default_timeout(1000 * float(timeout_seconds or load_settings().browser_timeout))
        pg = bctx.new_page()
        ctx.resources[key] = pg
        ctx.resources["browser:current"] = (key, bctx)

        def _close(bc: Any = bctx) -> None:
            try:
                bc.close()
            except Exception:
                pass

        ctx.on_close(_close)
    return ctx.resources[key]


# Where portals show a message to the user; quoted when an action times out (a wrong date
# format typed into a form is a business error the portal has already explained).
ERROR_SELECTORS = ".error, .errors, .alert-danger, .alert-error, .msg-err, .error-message, [role=alert], .invalid-feedback"
# Chromium's network errors: the system cannot be reached at all (retryable, never a selector problem).
CONNECTION_ERRORS = ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_TIMED_OUT",
                     "ERR_CONNECTION_FAILED", "ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED", "ERR_ADDRESS_UNREACHABLE",
                     "ERR_INTERNET_DISCONNECTED", "ERR_NETWORK_CHANGED", "ERR_EMPTY_RESPONSE", "ERR_TIMED_OUT",
                     "ERR_TUNNEL_CONNECTION_FAILED", "ERR_PROXY_CONNECTION_FAILED")


def visible_error_text(pg: Any, selector: str | None = None, *, limit: int = 300) -> str | None:
    """The text of the first visible error message on the page (``selector`` or the usual places), or None."""
    for sel in filter(None, (selector, ERROR_SELECTORS)):
        try:
            loc = pg.locator(sel)
            for i in range(min(loc.count(), 5)):
                el = loc.nth(i)
                if el.is_visible():
                    text = " ".join(el.inner_text(timeout=1000).split())
                    if text:
                        return text[:limit]
        except Exception:  # a closed page, a selector the page cannot parse: nothing to quote
            continue
    return None


def unreachable(pg: Any, message: str = "") -> bool:
    """True when the browser could not reach the system (network error text, or Chromium's own error page)."""
    if any(code in message for code in CONNECTION_ERRORS):
        return True
    try:
        return str(pg.url).startswith("chrome-error://")
    except Exception:
        return False

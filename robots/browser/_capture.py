"""Evidence on failure: a screenshot and the page HTML (secrets and personal data masked).

Every browser action runs inside :func:`captured`; whatever goes wrong, staff get a picture
of the screen the robot saw and a Japanese message naming the action, instead of a trace.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any, Iterator

from robots.context import RunContext
from robots.errors import ApplicationError, KyodoError
from robots.privacy import mask_text

_counter = itertools.count(1)


def save_failure(ctx: RunContext, pg: Any, label: str) -> str | None:
    """Write ``failure-NN-<label>.png`` and ``.html`` into the run folder; return the PNG name."""
    stem = f"failure-{next(_counter):02d}-{ctx.municipality_code or 'run'}-{label}"
    png = ctx.artifact_path(stem + ".png")
    try:
        pg.screenshot(path=str(png), full_page=True, timeout=5000)
    except Exception:
        return None
    try:
        ctx.artifact_path(stem + ".html").write_text(mask_text(pg.content()), encoding="utf-8")
    except Exception:
        pass
    return png.name


@contextlib.contextmanager
def captured(ctx: RunContext, pg: Any, label: str, what: str) -> Iterator[None]:
    """Translate Playwright errors into Japanese kyodo errors, saving evidence first."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        yield
    except KyodoError as exc:
        shot = save_failure(ctx, pg, label)
        if shot:
            exc.hint = (exc.hint + " / " if exc.hint else "") + f"画面: {shot}"
        raise
    except PlaywrightTimeout as exc:
        shot = save_failure(ctx, pg, label)
        raise ApplicationError(
            f"{what}: 画面の応答を待ちましたが時間切れになりました。",
            hint=f"画面の項目名（セレクタ）や待ち時間を確認してください。画面: {shot or 'なし'}（{_first_line(exc)}）",
        ) from None
    except PlaywrightError as exc:
        text = str(exc)
        shot = save_failure(ctx, pg, label)
        if "ERR_CONNECTION_REFUSED" in text or "ERR_NAME_NOT_RESOLVED" in text or "ERR_CONNECTION" in text:
            raise ApplicationError(f"{what}: システムに接続できません（停止中かURLの誤り）。",
                                   hint="ポータルのURLと稼働状況を確認し、再実行してください。") from None
        raise ApplicationError(f"{what}: ブラウザ操作に失敗しました（{_first_line(exc)}）。",
                               hint=f"画面: {shot or 'なし'}") from None


def _first_line(exc: BaseException) -> str:
    return mask_text(str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__)[:200]

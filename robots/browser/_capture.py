"""Evidence on failure: a screenshot and the page HTML (secrets and personal data masked).

Every browser action runs inside :func:`captured`; whatever goes wrong, staff get a picture
of the screen the robot saw and a Japanese message naming the action, instead of a trace.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kyodo.core.errors import ApplicationError, BusinessError, KyodoError
from kyodo.core.privacy import PERSONAL_FIELD_WORDS, PERSONAL_MARK, mask_html, mask_text
from kyodo.robots.browser._session import unreachable, visible_error_text
from kyodo.robots.context import RunContext

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
        ctx.artifact_path(stem + ".html").write_text(page_dump(pg, ctx.settings.get("personal_columns") or ()),
                                                     encoding="utf-8")
    except Exception:
        pass
    return png.name


# Runs in the page on a detached copy of the document (the live page is not touched): form values
# and the cells under personal labels (column headers, <th>/<dt> labels) become a marker, so a dump
# never holds applicants' names even before a robot has read them as data.
_MASK_DOM = """(args) => {
  const [words, mark] = args;
  const root = document.documentElement.cloneNode(true);
  const personal = (el) => { const t = (el.textContent || '').replace(/\\s/g, '');
                             return t.length > 0 && words.some((w) => t.includes(w)); };
  const blank = (el) => { if (el) { el.textContent = mark; } };
  root.querySelectorAll('script').forEach((el) => el.remove());
  for (const el of root.querySelectorAll('input')) {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (!['submit', 'button', 'reset', 'image', 'checkbox', 'radio'].includes(type) && el.hasAttribute('value')) {
      el.setAttribute('value', mark);
    }
  }
  root.querySelectorAll('textarea').forEach(blank);
  for (const table of root.querySelectorAll('table')) {
    const rows = Array.from(table.rows);
    const head = rows.find((r) => Array.from(r.cells).some((c) => c.tagName === 'TH' && personal(c)));
    if (head && Array.from(head.cells).every((c) => c.tagName === 'TH')) {
      const cols = Array.from(head.cells).map((c, i) => personal(c) ? i : -1).filter((i) => i >= 0);
      for (const r of rows) { if (r !== head) { cols.forEach((i) => blank(r.cells[i])); } }
    }
  }
  for (const th of root.querySelectorAll('th, dt')) {
    if (personal(th)) {
      let next = th.nextElementSibling;
      while (next && (next.tagName === 'TD' || next.tagName === 'DD')) { blank(next); next = next.nextElementSibling; }
    }
  }
  return '<!DOCTYPE html>\\n' + root.outerHTML;
}"""


def page_dump(pg: Any, personal_columns: Any = ()) -> str:
    """The page's HTML for failure evidence: form values and personal fields blanked in the page,
    then every secret and personal value masked in whatever HTML escaping it appears (mask_html)."""
    words = [*PERSONAL_FIELD_WORDS, *(str(c) for c in personal_columns if str(c).strip())]
    try:
        dom = pg.evaluate(_MASK_DOM, [words, PERSONAL_MARK])
    except Exception:  # a page that cannot run scripts: keep the structure, mask the text only
        dom = pg.content()
    return mask_html(dom)


@contextlib.contextmanager
def captured(ctx: RunContext, pg: Any, label: str, what: str) -> Iterator[None]:
    """Translate Playwright errors into Japanese kyodo errors, saving evidence first."""
    try:
        yield
    except KyodoError as exc:
        shot = save_failure(ctx, pg, label)
        if shot:
            exc.hint = (exc.hint + " / " if exc.hint else "") + f"画面: {shot}"
        raise
    except PlaywrightTimeout as exc:
        shot = save_failure(ctx, pg, label)
        if unreachable(pg, str(exc)):
            raise _unreachable(what) from None
        shown = visible_error_text(pg)
        if shown:  # the portal said what is wrong: a business error, not retried, quoted for staff
            raise BusinessError(f"{what}: 画面にエラーが表示されています: 「{mask_text(shown)}」",
                                hint=f"表示された内容（入力の形式など）を直して再実行してください。画面: {shot or 'なし'}") from None
        raise ApplicationError(
            f"{what}: 画面の応答を待ちましたが時間切れになりました。",
            hint=f"画面の項目名（セレクタ）や待ち時間を確認してください。画面: {shot or 'なし'}（{_first_line(exc)}）",
        ) from None
    except PlaywrightError as exc:
        text = str(exc)
        shot = save_failure(ctx, pg, label)
        if unreachable(pg, text):
            raise _unreachable(what) from None
        raise ApplicationError(f"{what}: ブラウザ操作に失敗しました（{_first_line(exc)}）。",
                               hint=f"画面: {shot or 'なし'}") from None


def _unreachable(what: str) -> ApplicationError:
    """The system is down or the URL is wrong: an application error, so retries and re-runs apply."""
    return ApplicationError(f"{what}: システムに接続できません（停止中かURLの誤り）。",
                            hint="ポータルのURLと稼働状況を確認し、再実行してください（kyodo runs rerun 実行ID）。")


def _first_line(exc: BaseException) -> str:
    return mask_text(str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__)[:200]

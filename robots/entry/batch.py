"""The 転記 batch loop: one item at a time, looked up first, entered once, verified, journaled.

A bad item (the system refuses it, a duplicate, a mismatch after saving) becomes 要確認 with
the reason and the batch goes on. A session time-out means: log in again and restart the item
from the look-up. A timeout or crash of the page is retried twice (again from the look-up).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.robots.entry.journal import ItemResult, Journal, Outcome
from kyodo.robots.entry.system import FormPage, SessionExpired, WebSystem

_TEMPLATE = re.compile(r"\{([^{}]+)\}")
ATTEMPTS = 3


def template_columns(pages: list[dict[str, Any]]) -> set[str]:
    """Every ``{列名}`` the page mapping refers to."""
    return {m for p in pages for v in (p.get("fields") or {}).values() if isinstance(v, str) for m in _TEMPLATE.findall(v)}


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def render_pages(pages: list[dict[str, Any]], row: dict[str, Any]) -> list[FormPage]:
    """The page mapping with ``{列名}`` replaced by this row's values (a lone ``{列}`` keeps its type)."""
    out = []
    for p in pages:
        fields = {}
        for name, v in (p.get("fields") or {}).items():
            if isinstance(v, str):
                whole = _TEMPLATE.fullmatch(v)
                v = _cell(row[whole.group(1)]) if whole else _TEMPLATE.sub(lambda m: str(_cell(row[m.group(1)])), v)
            fields[name] = v
        out.append(FormPage(fields, str(p["submit"])))
    return out


@dataclass
class Batch:
    """State of one run over the workbook rows."""

    system: WebSystem
    journal: Journal
    pages: list[dict[str, Any]]
    log: Any
    on_retry: Callable[[str, int, BaseException], None] = lambda key, attempt, exc: None

    def item(self, key: str, row: dict[str, Any]) -> ItemResult:
        """Process one row to a final result; never raises for the row's own problems."""
        last: BaseException | None = None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._attempt(key, row)
            except SessionExpired:
                self.log.info("転記: セッション切れ → 再ログイン（受付番号 %s、%d 回目）", key, attempt)
                last = SessionExpired()
                self._relogin()
            except BusinessError as exc:
                return ItemResult(key, Outcome.REVIEW, exc.message)
            except Exception as exc:  # noqa: BLE001  (Playwright timeouts and page crashes: restart the item from the look-up)
                last = exc
                self.on_retry(key, attempt, exc)
                self._relogin()
        reason = "セッション切れが続きました" if isinstance(last, SessionExpired) else "システムの応答がありません"
        return ItemResult(key, Outcome.REVIEW, f"{reason}（{ATTEMPTS} 回試行）。システムで登録の有無を確認してください。")

    def _relogin(self) -> None:
        try:
            self.system.login()
        except KyodoError:
            raise
        except Exception as exc:  # noqa: BLE001  (the next attempt notices again; the item ends as 要確認)
            self.log.warning("転記: 再ログインに失敗しました（%s）", type(exc).__name__)

    def _attempt(self, key: str, row: dict[str, Any]) -> ItemResult:
        pages = render_pages(self.pages, row)
        expected = {k: v for p in pages for k, v in p.fields.items()}
        if self.system.lookup(key):
            wrong = self.system.verify(expected, {})
            no = self.system.record_no()
            if wrong:
                return ItemResult(key, Outcome.REVIEW, f"既に登録済みですが内容が違います（項目: {'、'.join(wrong)}）", no)
            return ItemResult(key, Outcome.ENTERED, "登録済みを確認（二重入力なし）", no)
        kinds = self.system.enter(pages)
        no = self.system.record_no()
        wrong = self.system.verify(expected, kinds)
        if wrong:
            return ItemResult(key, Outcome.REVIEW, f"登録後の確認で内容が違います（項目: {'、'.join(wrong)}）", no)
        return ItemResult(key, Outcome.ENTERED, "", no)

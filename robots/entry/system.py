"""Driving one web business system for 転記: log in, look up, enter a multi-page form, verify.

Every page the robot reaches is checked for the login form first: a session that timed out
raises :class:`SessionExpired`, the caller logs in again and restarts the item from the
look-up, so a half-typed form is never "completed" into a second record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kyodo.core.errors import BusinessError
from kyodo.robots.browser.forms import FieldKind, fill_fields
from kyodo.robots.normalize import WarekiError, normalize_text, parse_date

_COUNT_JS = "sels => sels.map(s => document.querySelectorAll(s).length)"
_TEXT_JS = "sels => sels.map(s => { const e = document.querySelector(s); return e ? e.innerText.trim() : null; })"


class SessionExpired(Exception):
    """The system showed its login page in the middle of an item."""


@dataclass
class FormPage:
    """One page of the entry form: fields to fill (name → value) and the button that moves on."""

    fields: dict[str, Any]
    submit: str


@dataclass
class SystemSpec:
    """Where things are in the target system (all CSS selectors; URLs relative to ``base_url``)."""

    base_url: str
    user: str
    password_secret: str
    login_path: str = "login"
    login_form: str = "form#login"
    user_field: str = "#user"
    password_field: str = "#password"
    login_submit: str = "form#login button[type=submit]"
    login_error: str = ".error"
    search_path: str = "search?receipt_no={key}"
    found: str = "a.record"
    not_found: str = "#no-result"
    start_path: str = "new/1"
    done: str = "#management-number"
    error: str = ".error"
    verify_selector: str = '[data-field="{field}"]'
    verify_skip: list[str] = field(default_factory=list)
    timeout_seconds: float = 20


class WebSystem:
    """One logged-in browser page on the target system."""

    def __init__(self, pg: Any, spec: SystemSpec, password: Callable[[], str], resolve_file: Callable[[str], Path]) -> None:
        self.pg, self.spec, self._password, self._resolve = pg, spec, password, resolve_file
        self.logins = 0

    def url(self, path: str) -> str:
        return self.spec.base_url.rstrip("/") + "/" + path.lstrip("/")

    def _ms(self) -> float:
        return self.spec.timeout_seconds * 1000

    def _click_and_load(self, selector: str) -> None:
        """Click something that loads a new page and wait for that page (not the old one)."""
        with self.pg.expect_navigation(wait_until="domcontentloaded", timeout=self._ms()):
            self.pg.locator(selector).first.click(timeout=self._ms())

    def _counts(self, *selectors: str) -> list[int]:
        """How many elements match each selector, in one round trip (the pages are server-rendered)."""
        return self.pg.evaluate(_COUNT_JS, list(selectors))

    def _check_session(self) -> None:
        if self._counts(self.spec.login_form)[0]:
            raise SessionExpired()

    def goto(self, path: str) -> None:
        self.pg.goto(self.url(path), wait_until="domcontentloaded", timeout=self._ms())
        self._check_session()

    def login(self) -> None:
        s = self.spec
        self.pg.goto(self.url(s.login_path), wait_until="domcontentloaded", timeout=self._ms())
        self.pg.fill(s.user_field, s.user)
        self.pg.fill(s.password_field, self._password())
        self._click_and_load(s.login_submit)
        if self._counts(s.login_form)[0]:
            shown = " ".join(t.strip() for t in self.pg.locator(s.login_error).all_inner_texts())
            raise BusinessError(f"システムにログインできませんでした（画面の表示: {shown or 'なし'}）。",
                                hint=f"ID「{s.user}」とシークレット「{s.password_secret}」を確認してください。")
        self.logins += 1

    def lookup(self, key: str) -> bool:
        """Open the record for ``key`` if the system has one; False when it has none."""
        s = self.spec
        self.pg.goto(self.url(s.search_path.replace("{key}", quote(key))), wait_until="domcontentloaded", timeout=self._ms())
        login, found, none = self._counts(s.login_form, s.found, s.not_found)
        if login:
            raise SessionExpired()
        if found > 1:
            raise BusinessError(f"システムに同じ受付番号の登録が {found} 件あります。", hint="システムで重複を確認してください。")
        if not found and not none:
            raise BusinessError("検索結果の画面を読み取れません（該当あり・なしのどちらの表示もありません）。",
                                hint="system の found / not_found のセレクタを確認してください。")
        if not found:
            return False
        self._click_and_load(s.found)
        self._check_session()
        self.pg.locator(s.done).first.wait_for(timeout=self._ms())
        return True

    def _submit(self, button: str, expect: str | None) -> None:
        s = self.spec
        self._click_and_load(button)
        self._check_session()
        shown = [t.strip() for t in self.pg.locator(s.error).all_inner_texts() if t.strip()]
        if shown:
            raise BusinessError("システムが受け付けませんでした: " + " / ".join(shown))
        if expect:
            self.pg.locator(expect).first.wait_for(timeout=self._ms())

    def enter(self, pages: list[FormPage]) -> dict[str, FieldKind]:
        """Fill and submit every page; the last submit must land on the saved record."""
        self.goto(self.spec.start_path)
        kinds: dict[str, FieldKind] = {}
        for i, page in enumerate(pages):
            kinds |= fill_fields(self.pg, page.fields, self._resolve)
            self._submit(page.submit, self.spec.done if i == len(pages) - 1 else None)
        return kinds

    def record_no(self) -> str:
        return self.pg.locator(self.spec.done).first.inner_text().strip()

    def verify(self, expected: dict[str, Any], kinds: dict[str, FieldKind]) -> list[str]:
        """Fields whose saved value differs from what was meant to be entered (names only)."""
        names = [n for n in expected if n not in self.spec.verify_skip and kinds.get(n) is not FieldKind.FILE]
        shown = self.pg.evaluate(_TEXT_JS, [self.spec.verify_selector.replace("{field}", n) for n in names])
        return [n for n, text in zip(names, shown) if text is None or not same_value(expected[n], text, kinds.get(n))]


def same_value(expected: Any, shown: str, kind: FieldKind | None) -> bool:
    """Compare what was meant with what the system shows: dates as dates, text normalised."""
    if kind is FieldKind.CHECKBOX or isinstance(expected, bool):
        on = expected if isinstance(expected, bool) else normalize_text(expected) in ("はい", "true", "1")
        return normalize_text(shown) in (("はい", "true", "1", "有") if on else ("いいえ", "false", "0", "無", ""))
    a, b = normalize_text(expected), normalize_text(shown)
    if a == b or re.sub(r"\s", "", a) == re.sub(r"\s", "", b):
        return True
    try:
        return parse_date(expected) == parse_date(shown)
    except (WarekiError, ValueError, TypeError):
        return False

"""Personal-data masking: one function used by logs, errors, the run store, dashboard and FAQ logs.

What is masked, and how:
- マイナンバー (12 digits) and 法人番号 (13 digits), recognised by their check digits so that
  ordinary numbers (amounts, receipt numbers) stay readable;
- phone numbers, e-mail addresses and postal codes, by pattern;
- secret values read through the secret store (process-wide, :func:`register_secret`);
- values of the columns a scenario declares personal (氏名, 住所 …), registered per run
  (:func:`personal_scope` / :func:`register_personal`), so an error message quoting a
  resident's name is masked too.
Many values are matched with one compiled alternation, rebuilt only when the set changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import threading
from typing import Any, Iterable, Iterator

_DIGITS12_13 = re.compile(r"(?<!\d)(\d{4}[ -]?\d{4}[ -]?\d{4}|\d{13})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(0\d{1,4}[-(（ ]\d{1,4}[-)） ]\d{3,4}|0[5789]0\d{8}|0\d{9})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_POSTAL = re.compile(r"(〒\s*\d{3}-?\d{4}|(?<![\d-])\d{3}-\d{4}(?![\d-]))")
_FW_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")

_lock = threading.Lock()
_secret_values: set[str] = set()
_secret_re: re.Pattern[str] | None = None


class _Values:
    """A set of literal values with a lazily compiled matcher."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        self._re: re.Pattern[str] | None = None

    def add(self, items: Iterable[Any]) -> None:
        new = {str(v).strip() for v in items if v is not None and len(str(v).strip()) >= 2}
        if not new <= self.values:
            self.values |= new
            self._re = None

    def pattern(self) -> re.Pattern[str] | None:
        if self._re is None and self.values:
            self._re = re.compile("|".join(re.escape(v) for v in sorted(self.values, key=len, reverse=True)))
        return self._re


_personal: contextvars.ContextVar[_Values | None] = contextvars.ContextVar("kyodo_personal", default=None)


def register_secret(value: str) -> None:
    """Remember a secret value so every later mask call redacts it (process-wide)."""
    global _secret_re
    if value and len(value) >= 4:
        with _lock:
            if value not in _secret_values:
                _secret_values.add(value)
                _secret_re = re.compile("|".join(re.escape(v) for v in sorted(_secret_values, key=len, reverse=True)))


@contextlib.contextmanager
def personal_scope() -> Iterator[_Values]:
    """A run's own set of personal values (names, addresses …); ends with the run."""
    values = _Values()
    token = _personal.set(values)
    try:
        yield values
    finally:
        _personal.reset(token)


def register_personal(values: Iterable[Any]) -> None:
    """Add values (e.g. a personal column of a table) to the current run's mask list."""
    scope = _personal.get()
    if scope is not None:
        scope.add(values)


def register_personal_columns(table: Any, columns: Iterable[str]) -> None:
    """Register every value of the declared personal ``columns`` of a DataFrame."""
    cols = [c for c in columns if hasattr(table, "columns") and c in table.columns]
    for c in cols:
        register_personal(table[c].dropna().astype(str).unique().tolist())


def _my_number_ok(d: str) -> bool:
    from stdnum.jp import in_

    return in_.is_valid(d)


def _corporate_ok(d: str) -> bool:
    from stdnum.jp import cn

    return cn.is_valid(d)


def _num(m: re.Match[str]) -> str:
    d = re.sub(r"\D", "", m.group(0))
    if len(d) == 12 and _my_number_ok(d):
        return "[個人番号]"
    if len(d) == 13 and _corporate_ok(d):
        return "[法人番号]"
    return m.group(0)


def mask_text(text: str, personal_values: Iterable[str] = ()) -> str:
    """Return ``text`` with personal data and secrets replaced by markers."""
    if not text:
        return text
    s = str(text)
    if _secret_re is not None:
        s = _secret_re.sub("＊＊＊＊", s)
    scope = _personal.get()
    if scope is not None and (p := scope.pattern()) is not None:
        s = p.sub("＊＊＊", s)
    for v in sorted({str(v) for v in personal_values if v and len(str(v)) >= 2}, key=len, reverse=True):
        s = s.replace(v, "＊＊＊")
    if any("０" <= ch <= "９" for ch in s):
        s = s.translate(_FW_DIGITS)
    s = _DIGITS12_13.sub(_num, s)
    s = _EMAIL.sub("[メール]", s)
    s = _PHONE.sub("[電話番号]", s)
    s = _POSTAL.sub("[郵便番号]", s)
    return s


__all__ = ["mask_text", "personal_scope", "register_personal", "register_personal_columns", "register_secret"]

"""Personal-data masking: THE one function used by logs, errors, the run store, dashboard and FAQ logs.

What :func:`mask_text` masks, and how:
- secret values read through the secret store (process-wide, :func:`register_secret`), also in
  their HTML-, URL- and JSON-escaped forms, because that is how they appear in page dumps;
- values of the columns a scenario declares personal (氏名, 住所 …), registered per run
  (:func:`personal_scope` + :func:`register_personal_columns`), so an error message that quotes
  a resident's name is masked too; outside any run's context (e.g. a helper thread) the values
  of every active run are used, since over-masking is harmless and a leak is not;
- マイナンバー (12 digits) and 法人番号 (13 digits) recognised by their check digits, phone
  numbers, e-mail addresses and postal codes (see ``_patterns``).
Literal values are matched with an Aho-Corasick automaton (``_values``): the cost does not grow
with the number of residents registered.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import json
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

from kyodo.core.privacy._html import mask_values_in_html
from kyodo.core.privacy._patterns import mask_patterns
from kyodo.core.privacy._values import ValueSet
from kyodo.core.text import normalize_header, normalize_text

SECRET_MARK = "＊＊＊＊"
PERSONAL_MARK = "＊＊＊"

_secrets = ValueSet(SECRET_MARK, min_len=4)
_personal: contextvars.ContextVar[ValueSet | None] = contextvars.ContextVar("kyodo_personal", default=None)
_active: list[ValueSet] = []  # scopes of runs in progress in this process
_active_lock = threading.Lock()


def _forms(value: str) -> set[str]:
    """The ways a secret shows up in text: as is, HTML-, URL- and JSON-escaped."""
    return {value, html.escape(value), html.escape(value, quote=False), urllib.parse.quote(value, safe=""),
            urllib.parse.quote_plus(value), json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}


def register_secret(value: str) -> None:
    """Remember a secret value so every later mask call redacts it (process-wide).

    Values shorter than 4 characters are not registered: masking them would make every log
    unreadable, and a secret that short is no secret.
    """
    if value and len(value) >= 4:
        _secrets.add(_forms(value))


@contextlib.contextmanager
def personal_scope() -> Iterator[ValueSet]:
    """A run's own set of personal values (names, addresses …); ends with the run."""
    values = ValueSet(PERSONAL_MARK)
    token = _personal.set(values)
    with _active_lock:
        _active.append(values)
    try:
        yield values
    finally:
        with _active_lock:
            _active.remove(values)
        _personal.reset(token)


def register_personal(values: Iterable[Any]) -> None:
    """Add values (e.g. a personal column of a table) to the current run's mask list.

    Each value is registered as read and as the robots will show it after normalisation
    (NFKC: ﾔﾏﾀﾞ ﾀﾛｳ → ヤマダ タロウ, 山田　花子 → 山田 花子, and without spaces), because a message
    may quote either form.
    """
    scope = _personal.get()
    if scope is not None:
        scope.add(v for value in values if value is not None for v in _variants(str(value)))


def _variants(value: str) -> set[str]:
    n = normalize_text(value)
    return {value, n, n.replace(" ", "")}


def register_personal_columns(table: Any, columns: Iterable[str]) -> None:
    """Register every value of the declared personal ``columns`` of a DataFrame.

    Whole numbers read as floats (a column with blanks) are registered as ``123`` too, the way
    a message would quote them.
    """
    if _personal.get() is None or not hasattr(table, "columns"):
        return
    wanted = {normalize_header(c) for c in columns}
    for c in table.columns:
        if normalize_header(c) not in wanted:
            continue
        col = table[c].dropna()
        values = col.astype(str).unique().tolist()
        if col.dtype.kind == "f":
            values += [str(int(v)) for v in col.unique() if float(v).is_integer()]
        register_personal(values)


def _personal_sets() -> list[ValueSet]:
    scope = _personal.get()
    if scope is not None:
        return [scope]
    with _active_lock:
        return list(_active)


def mask_text(text: str, personal_values: Iterable[str] = ()) -> str:
    """Return ``text`` with secrets and personal data replaced by markers."""
    if not text:
        return text
    s = _secrets.sub(str(text))
    for scope in _personal_sets():
        s = scope.sub(s)
    extra = [str(v) for v in personal_values if v is not None and len(str(v).strip()) >= 2]
    if extra:
        once = ValueSet(PERSONAL_MARK)
        once.add(extra)
        s = once.sub(s)
    return mask_patterns(s)


# Labels of fields that hold personal data on the screens robots visit (a column header, a
# <th>/<dt> label): a failure page dump masks the values under them even before a robot has read
# the residents' data (see kyodo.robots.browser._capture). Scenario ``personal_columns`` add to these.
PERSONAL_FIELD_WORDS = ("氏名", "名前", "申請者", "届出人", "世帯主", "納税者", "名義", "フリガナ", "ふりがな", "カナ",
                        "住所", "所在地", "電話", "携帯", "連絡先", "生年月日", "誕生日", "メール", "個人番号",
                        "マイナンバー", "宛名番号", "備考")


def mask_html(text: str) -> str:
    """:func:`mask_text` for an HTML page dump: also finds secrets and personal values written with
    any HTML character references (``&quot;``, ``&#39;``, ``&#x27;`` …), see ``_html``."""
    if not text:
        return text
    sets = [(_secrets, SECRET_MARK), *((scope, PERSONAL_MARK) for scope in _personal_sets())]
    return mask_text(mask_values_in_html(text, sets))


MARKS = (SECRET_MARK, PERSONAL_MARK, "[個人番号]", "[法人番号]", "[電話番号]", "[メール]", "[郵便番号]")


def mask_data(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, scalars) with every string masked, e.g. run parameters at rest."""
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_data(v) for v in value]
    return mask_text(value) if isinstance(value, str) else value


def has_masks(value: Any) -> bool:
    """True when ``value`` (as stored by :func:`mask_data`) lost something to masking."""
    if isinstance(value, dict):
        return any(has_masks(v) for v in value.values())
    if isinstance(value, list):
        return any(has_masks(v) for v in value)
    return isinstance(value, str) and any(m in value for m in MARKS)


__all__ = ["MARKS", "PERSONAL_FIELD_WORDS", "has_masks", "mask_data", "mask_html", "mask_text", "personal_scope", "register_personal", "register_personal_columns", "register_secret"]

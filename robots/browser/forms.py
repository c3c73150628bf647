"""Form actions: fill many fields at once (text, select, radio, checkbox, date, file), upload, wait, read.

Registered by ``robots/browser/actions.py`` (imported at its end). :func:`fill_fields` and
:func:`submit_form` are also used by the 転記 robot (``robots/entry``), so a DX leader's field
mapping means the same thing in a one-off step and in a batch entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from kyodo.core.errors import BusinessError
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.browser._capture import captured
from kyodo.robots.browser._session import page
from kyodo.robots.normalize import WarekiError, normalize_text, parse_date

_WEB = (Zone.INTERNET, Zone.LGWAN)
_SELECTOR_HINT = re.compile(r"^[#.\[]|[\s>:=\[]")

# JavaScript: for each selector, what kind of control it is and its choices, in one round trip.
_DESCRIBE_JS = """sels => sels.map(s => {
  const els = Array.from(document.querySelectorAll(s));
  if (!els.length) return null;
  const el = els[0], tag = el.tagName.toLowerCase();
  const kind = tag === 'input' ? (el.type || 'text').toLowerCase() : tag;
  const label = e => ((e.labels && e.labels[0]) ? e.labels[0].innerText : (e.closest('label') ? e.closest('label').innerText : '')).trim();
  let choices = null;
  if (kind === 'radio' || kind === 'checkbox') choices = els.map(e => ({value: e.value, label: label(e)}));
  if (kind === 'select') choices = Array.from(el.options).map(o => ({value: o.value, label: o.innerText.trim()}));
  return {kind, choices};
})"""


class FieldKind(str, Enum):
    """What kind of form control a mapping entry fills."""

    TEXT = "text"
    SELECT = "select"
    RADIO = "radio"
    CHECKBOX = "checkbox"
    DATE = "date"
    FILE = "file"


def field_selector(key: str) -> str:
    """A mapping key is a field's ``name`` (``児童氏名`` or ``child_name``) unless it looks like CSS."""
    return key if _SELECTOR_HINT.search(key) else f'[name="{key}"]'


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _pick(choices: list[dict[str, str]], key: str, wanted: list[str]) -> list[int]:
    """Indexes of the choices whose value or label equals one of ``wanted`` (normalised)."""
    norm = [normalize_text(w) for w in wanted]
    hits = [i for i, c in enumerate(choices) if normalize_text(c["value"]) in norm or normalize_text(c["label"]) in norm]
    found = {normalize_text(choices[i]["value"]) for i in hits} | {normalize_text(choices[i]["label"]) for i in hits}
    unknown = [w for w, n in zip(wanted, norm) if n not in found]
    if unknown:
        shown = "、".join(c["label"] or c["value"] for c in choices if c["value"] or c["label"])
        raise BusinessError(f"項目「{key}」に選択肢「{'」「'.join(unknown)}」がありません。", hint=f"選べるもの: {shown}")
    return hits


def _checkbox_on(value: Any) -> bool | None:
    """True/False for a single checkbox value, ``None`` when it names choices instead."""
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in ("true", "はい", "1", "有", "on", "○"):
        return True
    if text in ("false", "いいえ", "0", "無", "off", ""):
        return False
    return None


def fill_one(pg: Any, key: str, value: Any, info: dict[str, Any] | None, resolve_file: Callable[[str], Path]) -> FieldKind:
    """Fill one described field by what it is on the page; raise a Japanese error naming the field."""
    if info is None:
        raise BusinessError(f"画面に入力項目「{key}」が見つかりません。", hint="項目名（name）かセレクタを確認してください。")
    raw = info["kind"]
    kind = FieldKind(raw) if raw in {k.value for k in FieldKind} else FieldKind.TEXT
    loc = pg.locator(field_selector(key))
    if kind is FieldKind.SELECT:
        [i, *_] = _pick(info["choices"], key, [_text(value)])
        loc.first.select_option(value=info["choices"][i]["value"])
    elif kind is FieldKind.RADIO:
        [i, *_] = _pick(info["choices"], key, [_text(value)])
        loc.nth(i).check()
    elif kind is FieldKind.CHECKBOX:
        on = _checkbox_on(value)
        if on is not None and len(info["choices"]) == 1:
            loc.first.set_checked(on)
        else:
            wanted = [_text(v) for v in (value if isinstance(value, list) else re.split(r"[、,]", _text(value)))]
            hits = set(_pick(info["choices"], key, [w for w in wanted if w]))
            for i in range(len(info["choices"])):
                loc.nth(i).set_checked(i in hits)
    elif kind is FieldKind.DATE:
        try:
            loc.first.fill(parse_date(value).isoformat() if _text(value) else "")
        except WarekiError as exc:
            raise BusinessError(f"項目「{key}」の日付「{_text(value)}」を読めません: {exc}") from None
    elif kind is FieldKind.FILE:
        loc.first.set_input_files(str(resolve_file(_text(value))))
    else:
        loc.first.fill(_text(value))
    return kind


def fill_fields(pg: Any, fields: dict[str, Any], resolve_file: Callable[[str], Path]) -> dict[str, FieldKind]:
    """Fill every entry of ``fields`` (one round trip to describe them all); the first bad one stops."""
    infos = pg.evaluate(_DESCRIBE_JS, [field_selector(k) for k in fields])
    return {key: fill_one(pg, key, value, info, resolve_file) for (key, value), info in zip(fields.items(), infos)}


def submit_form(pg: Any, submit: str, wait_for: str | None, error: str | None, timeout_seconds: float) -> None:
    """Click ``submit`` and wait for the next page or the system's error message (raised as a business error)."""
    pg.click(submit, timeout=timeout_seconds * 1000)
    targets = [t for t in (wait_for, error) if t]
    if not targets:
        pg.wait_for_load_state("domcontentloaded", timeout=timeout_seconds * 1000)
        return
    loc = pg.locator(targets[0])
    for t in targets[1:]:
        loc = loc.or_(pg.locator(t))
    loc.first.wait_for(timeout=timeout_seconds * 1000)
    if error:
        shown = [t.strip() for t in pg.locator(error).all_inner_texts() if t.strip()]
        if shown:
            raise BusinessError(f"システムが入力を受け付けませんでした: {' / '.join(shown)}",
                                hint="元データの値を確認し、直してから再実行してください。")


@action("browser.fill_form", title="フォームの複数の項目に入力する", zones=_WEB, personal_data=True, example="""
    - action: browser.fill_form
      with:
        fields:
          applicant_name: ${row.申請者氏名}
          relationship: 父             # プルダウン（表示名で）
          gender: 女                   # ラジオボタン（表示名か値で）
          agree: true                  # チェックボックス
          birth_date: 令和5年4月1日     # 日付欄（和暦も可）
        submit: "button#next"
        wait_for: "h1:has-text('確認')"
    """)
def fill_form(ctx: RunContext, *, fields: dict[str, Any], submit: str | None = None, wait_for: str | None = None,
              error: str | None = ".error", timeout_seconds: float = 15) -> dict[str, str]:
    """フォームの項目にまとめて入力し、必要なら送信ボタンを押します。

    項目名は画面の入力欄の name（例: child_name）か CSS セレクタ（例: "#zip"）です。項目の種類は
    画面から自動で判断します: 文字の欄は入力、プルダウンは表示名（無ければ値）で選択、ラジオボタンは
    表示名か値で選択、チェックボックスは true/false（複数なら選ぶ表示名の一覧）、日付欄は和暦
    （令和7年4月1日、R7.4.1）も西暦に直して入力、ファイル欄は入力フォルダのファイルを添付します。
    選択肢に無い値や見つからない項目は、項目名と選べる値を示して止めます。

    引数:
      fields: {項目名: 値} の対応。
      submit: 入力後に押すボタン（省略すると押しません）。
      wait_for: 送信後に表示を待つ要素（次の画面のしるし）。
      error: システムの入力エラー表示の要素。表示されたら、その文言を理由にして止めます。
      timeout_seconds: 待つ最大秒数。

    戻り値: {項目名: 判断した種類}（text / select / radio / checkbox / date / file）。
    """
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "fill_form", f"フォーム入力（{len(fields)} 項目）"):
        kinds = fill_fields(pg, fields, ctx.input_path)
        if submit:
            submit_form(pg, submit, wait_for, error, timeout_seconds)
    ctx.log.info("フォーム入力: %d 項目", len(kinds))
    return {k: v.value for k, v in kinds.items()}


@action("browser.upload", title="ファイルを添付（アップロード）する", zones=_WEB, personal_data=True, example="""
    - action: browser.upload
      with:
        selector: "input[type=file]"
        paths: ["添付/${row.受付番号}.pdf"]
        submit: "text=アップロード"
        wait_for: "text=添付しました"
    """)
def upload(ctx: RunContext, *, selector: str, paths: list[str] | str, submit: str | None = None, wait_for: str | None = None,
           error: str | None = ".error", timeout_seconds: float = 60) -> int:
    """ファイル選択欄にファイルを指定し、必要ならアップロードのボタンを押します。

    引数:
      selector: ファイル選択欄（input[type=file]）のセレクタか name。
      paths: 添付するファイル（入力フォルダからの相対パス、複数可）。
      submit: 押すボタン（省略すると押しません）。
      wait_for: 押した後に表示を待つ要素。
      error: システムのエラー表示の要素（表示されたら止めます）。
      timeout_seconds: 待つ最大秒数（大きいファイルは長めに）。

    戻り値: 添付したファイルの数。
    """
    files = [ctx.input_path(p) for p in ([paths] if isinstance(paths, str) else paths)]
    missing = [f.name for f in files if not f.is_file()]
    if missing or not files:
        raise BusinessError(f"添付するファイルが見つかりません: {'、'.join(missing) or '（指定なし）'}", hint="入力フォルダを確認してください。")
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "upload", f"添付（{len(files)} 件）"):
        pg.locator(field_selector(selector)).first.set_input_files([str(f) for f in files])
        if submit:
            submit_form(pg, submit, wait_for, error, timeout_seconds)
    ctx.log.info("添付: %d 件", len(files))
    return len(files)


@action("browser.wait_for", title="表示を待つ", zones=_WEB, example="""
    - action: browser.wait_for
      with:
        selector: "#status"
        text: 処理完了
        timeout_seconds: 120
    """)
def wait_for(ctx: RunContext, *, selector: str, state: Literal["visible", "hidden", "attached", "detached"] = "visible",
             text: str | None = None, timeout_seconds: float = 30) -> bool:
    """要素が表示される（または消える）まで待ちます。時間のかかる処理の完了待ちに使います。

    引数:
      selector: 待つ要素のセレクタ。
      state: visible（表示される）/ hidden（消える）/ attached / detached。
      text: その要素にこの文字が出るまで待つ（例: 処理完了）。
      timeout_seconds: 待つ最大秒数。過ぎると時間切れのエラー（再試行の対象）になります。

    戻り値: true。
    """
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "wait_for", f"表示待ち（{selector}）"):
        loc = pg.locator(selector)
        if text:
            loc = loc.filter(has_text=text)
        loc.first.wait_for(state=state, timeout=timeout_seconds * 1000)
    return True


@action("browser.read_text", title="画面の文字を読み取る", zones=_WEB, personal_data=True, example="""
    - id: number
      action: browser.read_text
      with:
        selector: "#management-number"
    """)
def read_text(ctx: RunContext, *, selector: str, all: bool = False, required: bool = True,
              timeout_seconds: float = 15) -> str | list[str]:
    """画面の要素の文字を読み取ります（登録後の管理番号、処理結果のメッセージなど）。

    引数:
      selector: 読み取る要素のセレクタ。
      all: true なら合うすべての要素の文字を一覧で返します。
      required: true なら要素が無い・空のとき止めます（読めないまま先に進まない）。
      timeout_seconds: 要素を待つ最大秒数。

    戻り値: 文字（all のときは文字の一覧）。前後の空白は除きます。
    """
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "read_text", f"文字の読み取り（{selector}）"):
        loc = pg.locator(selector)
        if required:
            loc.first.wait_for(timeout=timeout_seconds * 1000)
        texts = [t.strip() for t in loc.all_inner_texts()]
        if required and not any(texts):
            raise BusinessError(f"「{selector}」に文字がありません。", hint="セレクタと画面の状態を確認してください。")
    return texts if all else (texts[0] if texts else "")

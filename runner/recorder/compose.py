"""From recorded events to scenario steps: what a careful DX leader would have written by hand.

The person's actions are turned into the robot actions kyodo already has (``browser.open``,
``browser.login``, ``browser.fill``, ``browser.select``, ``browser.fill_form``, ``browser.click``,
``browser.download``, ``browser.upload``, ``browser.read_table``), each with a Japanese ``title``.
Typed values become ``params`` with defaults; personal values are never written (their parameter
has no default and is required); passwords become ``password_secret`` names; URLs under the
municipality's portal become ``${municipality.portal_url}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from kyodo.core.privacy import mask_text
from kyodo.core.zones import DEFAULT_ZONE
from kyodo.runner.recorder.events import Event, EventKind

CAUSE_SECONDS = 5.0      # a page load this soon after an action was caused by it (not a step of its own)
SUBMIT_SECONDS = 1.5     # a form submit this soon after a click on a button is that click
DOWNLOAD_SECONDS = 15.0  # a download belongs to the last click at most this long before it

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERSONAL_HINT = re.compile(
    r"氏名|名前|フリガナ|ふりがな|カナ|住所|所在地|電話|携帯|メール|生年月日|個人番号|マイナンバー|宛名番号|口座|"
    r"name|kana|address|addr|tel|phone|mobile|mail|birth|mynumber|my_number|account", re.I)
_NOT_PERSONAL = re.compile(r"^(user|userid|user_id|login|login_id|username|loginid)$", re.I)


@dataclass
class Options:
    """How to turn a recording into a scenario."""

    name: str
    title: str = ""
    portal_url: str = ""          # the municipality's portal URL, to write as ${municipality.portal_url}
    code: str = ""                # the municipality's code, to write as ${municipality.code} in file names
    login_user: str = ""          # the municipality's registered login ID, to write as ${municipality.credentials.user}
    password_secret: str = ""     # the municipality's secret name (written as ${municipality.credentials.password_secret})
    minutes: float = 0.0          # how long the person took, offered as minutes_per_item


@dataclass
class Composed:
    """A scenario as plain data, plus what the DX leader must do next."""

    scenario: dict[str, Any]
    secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)


@dataclass
class _State:
    options: Options
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)


def compose(events: list[Event], options: Options) -> Composed:
    """Build the scenario for ``events`` (in the order they happened)."""
    state = _State(options)
    tidy = _tidy(sorted((replace(e) for e in events), key=lambda e: e.t))  # copies: the recording stays as it was
    i = 0
    while i < len(tidy):
        if _is_login(tidy, i):
            _on_login(state, tidy[i], tidy[i + 1], tidy[i + 2])
            i += 3
            continue
        _STEP_BUILDERS[tidy[i].kind](state, tidy[i])
        i += 1
    if not state.steps:
        state.warnings.append("記録された操作がありません。ブラウザで操作してから終了してください。")
    scenario: dict[str, Any] = {
        "name": options.name,
        "title": options.title or "記録したシナリオ",
        "description": "kyodo record で記録した操作から作成しました。内容を確認してから使ってください。",
        "zone": DEFAULT_ZONE.value,
        "scope": "municipality",
        "minutes_per_item": max(0.5, round(options.minutes * 2) / 2) if options.minutes else 1,
    }
    if state.params:
        scenario["params"] = state.params
    scenario["steps"] = state.steps
    return Composed(scenario, state.secrets, state.warnings, state.downloads)


# --- tidying the raw event stream -------------------------------------------------------------

def _tidy(events: list[Event]) -> list[Event]:
    """Merge keystrokes into one fill, clicks with their submits and downloads, and drop caused page loads."""
    out: list[Event] = []
    last_action_t = -1e18
    for ev in events:
        if ev.kind is EventKind.FILL and out and out[-1].kind is EventKind.FILL and out[-1].selector == ev.selector:
            out[-1] = ev
            continue
        if ev.kind is EventKind.SUBMIT:
            if any(o.kind is EventKind.CLICK and ev.t - o.t <= SUBMIT_SECONDS for o in out[-2:]):
                continue
            ev.kind = EventKind.CLICK
        if ev.kind is EventKind.DOWNLOAD:
            _attach_download(out, ev)
            continue
        if ev.kind is EventKind.PAGE:
            if not ev.url.startswith(("http://", "https://")):
                continue  # about:blank and the like
            caused = out and ev.t - last_action_t <= CAUSE_SECONDS
            if caused:
                _remember_landing(out, ev)
                continue
        else:
            last_action_t = ev.t
        out.append(ev)
    return out


def _attach_download(out: list[Event], download: Event) -> None:
    """The click that started a download becomes the download step."""
    for ev in reversed(out):
        if ev.kind is EventKind.CLICK and download.t - ev.t <= DOWNLOAD_SECONDS:
            ev.kind = EventKind.DOWNLOAD
            ev.filename, ev.sha256, ev.saved_to = download.filename, download.sha256, download.saved_to
            return
    out.append(download)


def _remember_landing(out: list[Event], page: Event) -> None:
    """Keep what the page after an action looked like (the login step uses it as its success sign)."""
    for ev in reversed(out):
        if ev.kind is not EventKind.PAGE:
            if not ev.h1 and not ev.logout:
                ev.h1, ev.logout, ev.title = page.h1, page.logout, page.title
            return


# --- one builder per event kind ---------------------------------------------------------------

def _url(state: _State, url: str) -> str:
    return template_url(state.options, url)


def template_url(options: Options, url: str) -> str:
    """``url`` with the municipality's portal written as ``${municipality.portal_url}``."""
    base = options.portal_url.rstrip("/")
    if base and (url == base or url.startswith(base + "/") or url.startswith(base + "?")):
        return "${municipality.portal_url}" + url[len(base):]
    return url


def _param(state: _State, ev: Event, value: str, *, kind: str = "str", base: str = "value") -> str:
    """Offer a typed value as a parameter; personal values are not written down."""
    raw = ev.name or ev.id
    name = raw.lower() if raw and _IDENT.match(raw) else ""
    name = name or f"{base}_{sum(1 for p in state.params if p.startswith(base + '_')) + 1}"
    while name in state.params:
        name += "_2"
    label = ev.label or name
    personal = _is_personal(ev, value)
    spec: dict[str, Any] = {"type": kind, "description": f"{label}（記録時に入力した値）"}
    if personal:
        spec["required"] = True
        spec["description"] = f"{label}（個人情報のため記録した値は保存していません。実行時に -p {name}=… で指定）"
        state.warnings.append(f"「{label}」に入力した値は個人情報とみなし、シナリオに書かずにパラメータ {name} にしました。")
    else:
        spec["default"] = value
        if _ISO_DATE.match(value):
            spec["description"] = f"{label}（YYYY-MM-DD、記録時の値 {value}）"
    state.params[name] = spec
    return "${params." + name + "}"


def _is_personal(ev: Event, value: str) -> bool:
    hints = " ".join([ev.name, ev.id, ev.label, ev.autocomplete])
    if _NOT_PERSONAL.match(ev.name or ev.id or "") or ev.autocomplete == "username":
        return False
    return bool(_PERSONAL_HINT.search(hints)) or mask_text(value) != value


def _code_ref(state: _State, text: str) -> str:
    code = state.options.code
    return text.replace(code, "${municipality.code}") if code else text


def _title(label: str, fallback: str) -> str:
    return (label or fallback).strip()[:30]


def _warn_position(state: _State, ev: Event) -> None:
    if ev.in_frame:
        state.warnings.append(f"「{ev.label or ev.selector}」は画面の中の枠（iframe）での操作です。ロボットは枠の外から操作するため、再生で見つからないことがあります。")
    if ev.selector_kind == "position":
        state.warnings.append(f"「{ev.label or ev.selector}」には安定した目印（id・name・ラベル・文字）が無く、位置で指定しました: {ev.selector}")
    elif not ev.unique:
        state.warnings.append(f"「{ev.label or ev.selector}」のセレクタ {ev.selector} は画面上で1つに決まりません。確認してください。")


def _is_login(events: list[Event], i: int) -> bool:
    """ID typed, password typed, then a button pressed on the same page: a login."""
    if i + 2 >= len(events):
        return False
    user, pw, click = events[i], events[i + 1], events[i + 2]
    return (user.kind is EventKind.FILL and not user.secret and pw.kind is EventKind.FILL and pw.secret
            and click.kind is EventKind.CLICK and user.url == pw.url == click.url)


def _on_login(state: _State, user: Event, pw: Event, click: Event) -> None:
    """One ``browser.login`` step: it checks that the login worked and quotes the portal's error if not."""
    if state.steps and state.steps[-1].get("action") == "browser.open" and state.steps[-1]["with"]["url"] == _url(state, pw.url):
        state.steps.pop()  # browser.login opens the login page itself
    for ev in (user, pw, click):
        _warn_position(state, ev)
    if state.options.login_user and user.value == state.options.login_user:
        login_id = "${municipality.credentials.user}"
    else:
        state.params["login_user"] = {"type": "str", "default": user.value or "", "description": f"{user.label or 'ログインID'}（記録時の値）"}
        login_id = "${params.login_user}"
    args: dict[str, Any] = {"url": _url(state, pw.url), "user": login_id, "password_secret": _secret_name(state, pw),
                            "user_field": user.selector, "password_field": pw.selector, "submit": click.selector}
    if click.logout and click.logout != "ログアウト":
        args["success"] = f'text="{click.logout}"'
    elif not click.logout and click.h1:
        args["success"] = f'text="{click.h1}"'
    state.steps.append({"title": "ログインする", "action": "browser.login", "with": args})


def _on_page(state: _State, ev: Event) -> None:
    label = ev.h1 or ev.title
    state.steps.append({"title": f"「{_title(label, 'ページ')}」を開く", "action": "browser.open", "with": {"url": _url(state, ev.url)}})


def _on_fill(state: _State, ev: Event) -> None:
    _warn_position(state, ev)
    if ev.secret:
        _on_secret_fill(state, ev)
        return
    if _login_user(state, ev):
        return
    value = _param(state, ev, ev.value or "")
    state.steps.append({"title": f"{_title(ev.label, '入力欄')}を入力", "action": "browser.fill",
                        "with": {"selector": ev.selector, "value": value}})


def _login_user(state: _State, ev: Event) -> bool:
    """The municipality's own login ID is written as a reference, not as text."""
    if state.options.login_user and ev.value == state.options.login_user:
        state.steps.append({"title": f"{_title(ev.label, 'ログインID')}を入力", "action": "browser.fill",
                            "with": {"selector": ev.selector, "value": "${municipality.credentials.user}"}})
        return True
    return False


def _secret_name(state: _State, ev: Event) -> str:
    if state.options.password_secret:
        return "${municipality.credentials.password_secret}"
    host = urlsplit(ev.url).hostname or "PORTAL"
    name = re.sub(r"[^A-Z0-9]+", "_", host.upper()).strip("_") + "_PASSWORD"
    if name not in state.secrets:
        state.secrets.append(name)
    return name


def _on_secret_fill(state: _State, ev: Event) -> None:
    state.steps.append({"title": f"{_title(ev.label, 'パスワード')}を入力（シークレット）", "action": "browser.fill",
                        "with": {"selector": ev.selector, "secret": _secret_name(state, ev)}})


def _on_select(state: _State, ev: Event) -> None:
    _warn_position(state, ev)
    value = _param(state, ev, ev.option_label, base="choice")
    state.steps.append({"title": f"{_title(ev.label, '選択肢')}を選ぶ", "action": "browser.select",
                        "with": {"selector": ev.selector, "label": value}})


def _on_check(state: _State, ev: Event) -> None:
    _warn_position(state, ev)
    if ev.type == "radio" and ev.name:
        fields: dict[str, Any] = {ev.name: ev.value or ev.label}
        title = f"{_title(ev.label, '選択肢')}を選ぶ"
    else:
        fields = {ev.selector: bool(ev.checked)}
        title = f"{_title(ev.label, 'チェック')}を{'チェック' if ev.checked else 'チェックを外す'}"
    state.steps.append({"title": title, "action": "browser.fill_form", "with": {"fields": fields}})


def _on_click(state: _State, ev: Event) -> None:
    _warn_position(state, ev)
    state.steps.append({"title": f"「{_title(ev.label, 'ボタン')}」をクリック", "action": "browser.click", "with": {"selector": ev.selector}})


def _on_download(state: _State, ev: Event) -> None:
    if not ev.selector:  # a download no recorded click started (a redirect, a script): nothing to replay it with
        state.warnings.append(f"ファイル「{ev.filename}」のダウンロードは、きっかけの操作が記録されなかったため、シナリオに入れていません。")
        return
    _warn_position(state, ev)
    step_id = "download" if not state.downloads else f"download_{len(state.downloads) + 1}"
    state.downloads.append(ev.filename)
    state.steps.append({"id": step_id, "title": f"「{_title(ev.label, 'ダウンロード')}」でファイルを保存", "action": "browser.download",
                        "with": {"click": ev.selector, "filename": _code_ref(state, ev.filename)}})


def _on_upload(state: _State, ev: Event) -> None:
    _warn_position(state, ev)
    value = _param(state, ev, ev.files[0] if ev.files else "", kind="path", base="file")
    state.steps.append({"title": f"{_title(ev.label, 'ファイル')}にファイルを添付", "action": "browser.upload",
                        "with": {"selector": ev.selector, "paths": value}})


def _on_read_table(state: _State, ev: Event) -> None:
    n = sum(1 for s in state.steps if s.get("action") == "browser.read_table")
    step_id = "table" if n == 0 else f"table_{n + 1}"
    args: dict[str, Any] = {"selector": ev.selector}
    if ev.next_page:
        args["next_page"] = ev.next_page
    state.steps.append({"id": step_id, "title": "画面の表を読み取る" + ("（ページ送り）" if ev.next_page else ""),
                        "action": "browser.read_table", "with": args})
    state.steps.append({"title": "読み取った表をExcelに保存", "action": "excel.write_report",
                        "with": {"path": f"画面の表_{step_id}_${{run.yyyymmdd}}.xlsx", "sheets": [{"sheet": "表", "table": "${" + step_id + "}"}]}})


_STEP_BUILDERS = {
    EventKind.PAGE: _on_page,
    EventKind.FILL: _on_fill,
    EventKind.SELECT: _on_select,
    EventKind.CHECK: _on_check,
    EventKind.CLICK: _on_click,
    EventKind.DOWNLOAD: _on_download,
    EventKind.UPLOAD: _on_upload,
    EventKind.READ_TABLE: _on_read_table,
}  # SUBMIT never gets here: _tidy folds it into the click that sent the form, or makes it a click


def today_name(prefix: str = "recorded") -> str:
    """A default scenario name: ``recorded_YYYYMMDD``."""
    return f"{prefix}_{date.today():%Y%m%d}"

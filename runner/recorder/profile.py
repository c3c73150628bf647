"""A recording saved as a portal *profile* for the standard aggregation scenario, not as a new scenario.

When a DX leader records the routine "log in, choose a procedure and a period, export the CSV" on a
portal product kyodo does not know yet, what differs from the known products is exactly what a
profile holds: the login screen's fields, how the procedure is chosen, the date fields and their
notation, how the data comes out, and — read from the file the recording downloaded — the encoding,
which columns mean the standard ones, which status words mean the standard statuses, and whether
half-width kana or full-width digits need normalising. Everything guessed is said in comments.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from kyodo.core.errors import BusinessError
from kyodo.robots.excel import atomic_path
from kyodo.robots.excel.csvread import detect_encoding, read_csv_file
from kyodo.robots.normalize import WarekiError, parse_date
from kyodo.robots.normalize.datetimes import format_date
from kyodo.runner.profiles import Profile
from kyodo.runner.recorder.events import Event, EventKind

# Standard column → the names products use for it (compared after NFKC and without spaces).
STANDARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "受付番号": ("受付番号", "申込番号", "申請番号", "受付No", "整理番号", "申込ID", "受付ID", "申請ID"),
    "受付日時": ("受付日時", "申込日時", "申請日時", "受付日", "申込日", "申請日", "送信日時", "登録日時"),
    "手続名": ("手続名", "手続き名", "手続名称", "手続き名称", "申請名", "手続", "様式名", "フォーム名"),
    "申請者氏名": ("申請者氏名", "申請者名", "申込者氏名", "申込者名", "氏名", "お名前", "申請者"),
    "申請者カナ": ("申請者カナ", "申込者カナ", "申請者フリガナ", "申込者フリガナ", "フリガナ", "氏名カナ", "カナ氏名"),
    "状態": ("状態", "ステータス", "処理状況", "処理状態", "進捗", "対応状況"),
    "住所": ("住所", "申請者住所", "申込者住所", "所在地"),
    "電話番号": ("電話番号", "電話", "連絡先電話番号", "TEL"),
}
REQUIRED = ("受付番号", "受付日時", "手続名", "申請者氏名", "状態")
# Standard status → words that say it (first match wins, in this order).
STATUS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("差戻し", ("差戻", "差し戻", "返戻", "不備", "却下")),
    ("審査中", ("審査", "処理中", "確認中", "対応中", "保留")),
    ("完了", ("完了", "決定", "交付", "処理済", "承認")),
    ("受付済", ("受付", "新規", "未処理", "申請中", "到達")),
)
DATE_NOTATIONS = ("iso", "yyyy/mm/dd", "wareki", "wareki_short", "wareki_padded", "yyyymmdd", "yyyy年m月d日", "yyyy/m/d")
_HALF_KANA = re.compile(r"[\uff66-\uff9f]")
_WIDE_DIGIT = re.compile(r"[０-９]")


@dataclass
class ProfileDraft:
    """A profile body and what the DX leader should check in it."""

    body: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _path(url: str, portal_url: str) -> str:
    base = portal_url.rstrip("/")
    if base and url.startswith(base):
        return urlsplit(url[len(base):] or "/").path or "/"
    return urlsplit(url).path or "/"


def draft_profile(events: list[Event], portal_url: str, title: str = "") -> ProfileDraft:
    """Everything product-specific that the recording shows, as a profile body (validated)."""
    evs = sorted(events, key=lambda e: e.t)
    draft = ProfileDraft({"title": title or "記録した電子申請システム"})
    _login(draft, evs, portal_url)
    after = _after_login(evs)
    _procedure(draft, after)
    _dates(draft, after)
    download = _export(draft, evs, after, portal_url)
    if download is not None:
        _from_file(draft, Path(download.saved_to))
    try:
        Profile.model_validate(draft.body)
    except Exception as exc:  # a recording that cannot be a profile is said plainly, not written
        raise BusinessError(f"記録からプロファイルを作れませんでした: {exc}",
                            hint="ログイン・手続の選択・期間・出力までを1回の記録で行ってください。") from None
    return draft


def _login(draft: ProfileDraft, evs: list[Event], portal_url: str) -> None:
    pw = next((e for e in evs if e.kind is EventKind.FILL and e.secret), None)
    if pw is None:
        raise BusinessError("記録にログイン（パスワードの入力）がありません。", hint="ログイン画面から記録を始めてください。")
    user = next((e for e in reversed(evs) if e.kind is EventKind.FILL and not e.secret and e.t < pw.t and e.url == pw.url), None)
    submit = next((e for e in evs if e.kind in (EventKind.CLICK, EventKind.SUBMIT) and e.t > pw.t), None)
    landing = next((e for e in evs if e.kind is EventKind.PAGE and submit is not None and e.t > submit.t), None)
    login: dict[str, Any] = {"path": _path(pw.url, portal_url)}
    if user is not None:
        login["user_field"] = user.selector
    login["password_field"] = pw.selector
    if submit is not None:
        login["submit"] = submit.selector
    if landing is not None and landing.logout:
        login["success"] = f'text="{landing.logout}"'
    elif landing is not None and landing.h1:
        login["success"] = f'text="{landing.h1}"'
        draft.notes.append("ログイン後の画面に「ログアウト」が見つからないため、見出しの文字をログイン成功のしるしにしました。")
    draft.body["login"] = login


def _after_login(evs: list[Event]) -> list[Event]:
    pw = next(e for e in evs if e.kind is EventKind.FILL and e.secret)
    return [e for e in evs if e.t > pw.t]


def _procedure(draft: ProfileDraft, after: list[Event]) -> None:
    choice = next((e for e in after if e.kind is EventKind.SELECT), None)
    if choice is None:
        draft.body["procedure"] = {"by": "none"}
        draft.notes.append("手続を選ぶ操作が記録されていません（procedure.by: none）。手続で絞るには procedure を書き足してください。")
        return
    draft.body["procedure"] = {"by": "label", "selector": choice.selector}


def _dates(draft: ProfileDraft, after: list[Event]) -> None:
    typed: dict[str, Event] = {}
    for e in after:
        if e.kind is EventKind.FILL and not e.secret and e.value:
            typed[e.selector] = e  # the last value typed into each field
    dated = [(e, _notation(e.value or "")) for e in typed.values()]
    dated = [(e, n) for e, n in dated if n]
    if not dated:
        return
    dates: dict[str, Any] = {"start": dated[0][0].selector}
    if len(dated) > 1:
        dates["end"] = dated[1][0].selector
    dates["format"] = dated[0][1]
    draft.body["dates"] = dates


def _notation(value: str) -> str | None:
    """Which date notation ``value`` is written in (None if it is not a date)."""
    try:
        parse_date(value)
    except (WarekiError, ValueError, TypeError):
        return None
    for fmt in DATE_NOTATIONS:
        try:
            if format_date(value, fmt) == value.strip():
                return fmt
        except (WarekiError, ValueError):
            continue
    return None


def _export(draft: ProfileDraft, evs: list[Event], after: list[Event], portal_url: str) -> Event | None:
    download = next((e for e in after if e.kind is EventKind.DOWNLOAD), None)
    table = next((e for e in after if e.kind is EventKind.READ_TABLE), None)
    landing = next((e for e in after if e.kind is EventKind.PAGE), None)
    if download is not None:
        click = next((e for e in reversed(after) if e.kind in (EventKind.CLICK, EventKind.SUBMIT) and e.t <= download.t), None)
        export: dict[str, Any] = {"mode": "button", "button": click.selector if click else "#export"}
        _export_page(export, click, landing, portal_url)
        draft.body["export"] = export
        return download
    if table is not None:
        export = {"mode": "list", "table": table.selector}
        _export_page(export, table, landing, portal_url)
        if table.next_page:
            export["next_page"] = table.next_page
        draft.body["export"] = export
        return None
    raise BusinessError("記録にCSVのダウンロードも表の読み取りもありません。",
                        hint="出力ボタンでダウンロードするか、出力の無い製品では表を「表を読み取る」で記録してください。")


def _export_page(export: dict[str, Any], where: Event | None, landing: Event | None, portal_url: str) -> None:
    """The screen the data comes from, when it is not the one the login lands on (reached by a menu or by address)."""
    if where is None or landing is None:
        return
    page = _path(where.url, portal_url)
    if page != _path(landing.url, portal_url):
        export["page"] = page


def _from_file(draft: ProfileDraft, path: Path) -> None:
    """Encoding, column names, status words and normalisation needs, read from the downloaded CSV."""
    raw = path.read_bytes()
    encoding = detect_encoding(raw, path.name)
    draft.body["encoding"] = encoding if encoding in ("cp932", "utf-8-sig") else "auto"
    frame = read_csv_file(path).fillna("")  # the same loader policy as the scenario: a hostile file is refused here too
    columns = _columns(draft, list(frame.columns))
    if columns:
        draft.body["columns"] = columns
    status_col = next((c for c, std in {**{c: c for c in frame.columns}, **columns}.items() if std == "状態"), None)
    if status_col is not None:
        statuses = _statuses(sorted(set(frame[status_col]) - {""}))
        if statuses:
            draft.body["statuses"] = statuses
            draft.notes.append("状態の言葉の対応（statuses）は言葉から推測しました。確認してください: "
                               + "、".join(f"{k}→{v}" for k, v in statuses.items()))
    text = raw.decode(encoding, errors="replace")
    if _HALF_KANA.search(text):
        draft.body["fullwidth_kana"] = True
    wide = [columns.get(c, c) for c in frame.columns if frame[c].str.contains(_WIDE_DIGIT).any()]
    wide = [c for c in wide if c in ("電話番号", "受付番号")]
    if wide:
        draft.body["number_columns"] = wide


def _columns(draft: ProfileDraft, header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    keys = {_key(h): h for h in header}
    for std, names in STANDARD_COLUMNS.items():
        hit = next((keys[_key(n)] for n in names if _key(n) in keys), None)
        if hit is None:
            close = difflib.get_close_matches(_key(std), list(keys), n=1, cutoff=0.6)
            hit = keys[close[0]] if close else None
        if hit is None:
            if std in REQUIRED:
                draft.notes.append(f"標準の列「{std}」に当たる列がCSVに見つかりません。columns に「システムの列名: {std}」を書いてください。")
            continue
        if hit != std:
            mapping[hit] = std
    return mapping


def _statuses(words: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    standard = {std for std, _ in STATUS_WORDS}
    for word in words:
        if word in standard:
            continue
        std = next((s for s, hints in STATUS_WORDS if any(h in word for h in hints)), None)
        if std is not None:
            out[word] = std
    return out


def write_profile(draft: ProfileDraft, path: Path, source_url: str) -> Path:
    """Write the profile YAML atomically, with the guesses to check as comments."""
    lines = [
        "# yaml-language-server: $schema=../../docs/profile.schema.json",
        f"# {draft.body['title']}（kyodo record で記録したプロファイル。記録元: {source_url}）",
        "# 台帳で profile: " + path.stem + " と書くと、標準シナリオ e_application_aggregation がこの製品に使えます。",
        "# 確認: kyodo registry validate / kyodo run e_application_aggregation -m 自治体コード --dry-run",
    ]
    lines += [f"# 確認してください: {n}" for n in draft.notes]
    body = yaml.safe_dump(draft.body, allow_unicode=True, sort_keys=False, width=120)
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path

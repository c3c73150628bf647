"""Portal profiles: one portal *product* described once, shared by every municipality that uses it.

A prefecture's 19 municipalities use a handful of e-application products. A profile says, for one
product, where its login is and what its fields are called, how a procedure is chosen, which
date filters it has and in which notation, how its data comes out (a button, a form POST, or — for
products without export — the list screen read page by page), which columns mean which standard
column, and which status words mean which standard status.

Profiles live in ``<registry folder>/profiles/<name>.yaml`` (``config/profiles/``; the profiles shipped
with kyodo are found even when the registry lives elsewhere, and a local file of the same name
shadows them) or inline in the registry under ``profiles:``. A profile may ``extends:`` another one and change only what differs;
a municipality names its ``profile:`` and may override any part in ``profile_overrides:``. The
standard scenario reads all of it as ``${m.profile...}``: one scenario file serves every profile.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kyodo.core.errors import BusinessError
from kyodo.core.messages import japanese_message
from kyodo.core.settings import PACKAGE_ROOT
from kyodo.core.yamlfile import load_yaml
from kyodo.robots.normalize.datetimes import format_date

ProcedureBy = Literal["label", "value", "link", "url_param", "none"]
ExportMode = Literal["button", "form", "list"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LoginSpec(_Part):
    """The login screen."""

    path: str = Field("/login", description="ログイン画面のパス（portal_url の後ろに付けます。例: /login）")
    user_field: str = Field("#user", description="ID欄のセレクタ")
    password_field: str = Field("#password", description="パスワード欄のセレクタ")
    submit: str = Field("button[type=submit]", description="ログインボタンのセレクタ")
    success: str = Field("text=ログアウト", description="ログイン後に現れる要素（例: text=ログアウト）")
    error: str = Field(".error", description="ログイン失敗時のエラー表示のセレクタ")


class ProcedureSpec(_Part):
    """How a procedure (手続) is chosen."""

    by: ProcedureBy = Field("label", description="選び方: label（プルダウンの表示名）/ value（プルダウンの値）/ link（リンクの文字）/ url_param（URLのパラメータ）/ none（選べない）")
    selector: str = Field("#procedure", description="プルダウンのセレクタ（label / value のとき）")
    param: str = Field("", description="URLパラメータの名前（url_param のとき。例: tetsuzuki）")
    values: dict[str, str] = Field(default_factory=dict, description="標準の手続名 → システムでの値（value / url_param のとき。書かなければ手続名そのもの）")
    wait_for: str = Field("", description="手続を選んだ後に表示を待つ要素（link のとき）")

    @model_validator(mode="after")
    def _param_for_url(self) -> ProcedureSpec:
        if self.by == "url_param" and not self.param:
            raise ValueError("by: url_param のときは param（URLパラメータの名前）を書いてください")
        if self.by != "url_param" and self.param:
            raise ValueError(f"param は by: url_param のときだけ書きます（今は by: {self.by}）")
        return self


class DatesSpec(_Part):
    """The optional reception-date filter."""

    start: str = Field("", description="受付日（開始）の入力欄のセレクタ（空なら期間で絞れない製品: 読んだ後に絞ります）")
    end: str = Field("", description="受付日（終了）の入力欄のセレクタ")
    format: str = Field("iso", description="入力する日付の形式: iso（2026-04-01）/ yyyy/mm/dd / wareki（令和8年4月1日）/ wareki_short（R8.4.1）など")

    @model_validator(mode="after")
    def _known_format(self) -> DatesSpec:
        try:
            format_date("2026-04-01", self.format)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return self


class ExportSpec(_Part):
    """How the data comes out of the product."""

    mode: ExportMode = Field("button", description="button（出力ボタン）/ form（出力画面のフォームを送信）/ list（出力が無い製品: 一覧画面をページ送りして読む）")
    page: str = Field("", description="ログイン後に開く画面のパス（空ならログイン後の画面のまま。例: /shinsei/export）")
    button: str = Field("#export", description="出力ボタンのセレクタ（button / form のとき）")
    error: str = Field(".error, [role=alert]", description="出力できないときに画面に出るエラー表示のセレクタ")
    table: str = Field("table", description="一覧の表のセレクタ（list のとき）")
    next_page: str = Field("text=次へ", description="「次へ」リンクのセレクタ（list のとき）")
    max_pages: int = Field(200, ge=1, description="読む最大ページ数（list のとき）")


class Profile(_Part):
    """One portal product (``model_validator`` checks the parts that depend on each other)."""

    title: str = Field("", description="製品・システムの名前（画面表示用）")
    extends: str | None = Field(None, description="元にするプロファイル名（違うところだけ書けます）")
    login: LoginSpec = Field(default_factory=LoginSpec)
    procedure: ProcedureSpec = Field(default_factory=ProcedureSpec)
    dates: DatesSpec = Field(default_factory=DatesSpec)
    export: ExportSpec = Field(default_factory=ExportSpec)
    encoding: str = Field("auto", description="CSVの文字コード: auto / cp932 / utf-8-sig")
    columns: dict[str, str] = Field(default_factory=dict, description="システムの列名 → 標準の列名（受付番号 / 受付日時 / 手続名 / 申請者氏名 / 状態 …）")
    statuses: dict[str, str] = Field(default_factory=dict, description="システムの状態の言葉 → 標準の状態")
    fullwidth_kana: bool = Field(False, description="半角カタカナを全角にそろえる")
    number_columns: list[str] = Field(default_factory=list, description="全角数字・ハイフンを半角にそろえる列（標準の列名。例: [電話番号]）")

    @model_validator(mode="after")
    def _page_for_url_param(self) -> Profile:
        if self.procedure.by == "url_param" and not self.export.page:
            raise ValueError("procedure.by: url_param のときは export.page（手続のパラメータを付けて開く画面のパス）を書いてください")
        return self


PROFILE_FIELDS = tuple(f.alias or n for n, f in Profile.model_fields.items())


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def profile_dir(registry_path: str | Path) -> Path:
    """``config/municipalities.yaml`` → ``config/profiles/``."""
    return Path(registry_path).parent / "profiles"


def profile_files(registry_path: str | Path) -> list[Path]:
    """Profile files by name: the standard ones shipped with kyodo, shadowed by the registry folder's own."""
    found: dict[str, Path] = {}
    for folder in (PACKAGE_ROOT / "config" / "profiles", profile_dir(registry_path)):
        if folder.is_dir():
            found.update({f.stem: f for f in sorted(folder.glob("*.yaml"))})
    return list(found.values())


def read_profile_files(registry_path: str | Path) -> tuple[dict[str, dict[str, Any]], dict[str, Path]]:
    """Raw profile bodies from ``profiles/*.yaml`` (name = file stem) and where each came from."""
    bodies: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    for f in profile_files(registry_path):
        data = load_yaml(f, expand=True)
        if not isinstance(data, dict):
            raise BusinessError("プロファイルは「login:」「export:」などの項目で書いてください。", where=f"{f}:1:1")
        bodies[f.stem] = data
        files[f.stem] = f
    return bodies, files


def resolve_raw(name: str, bodies: dict[str, dict[str, Any]], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The raw body of profile ``name`` with its ``extends`` chain merged in (no validation yet)."""
    if name in seen:
        raise BusinessError(f"プロファイル「{name}」の extends が循環しています（{' → '.join((*seen, name))}）。")
    if name not in bodies:
        close = difflib.get_close_matches(name, list(bodies), n=1)
        raise BusinessError(f"プロファイル「{name}」はありません。" + (f"「{close[0]}」ですか?" if close else ""),
                            hint=f"使えるプロファイル: {', '.join(sorted(bodies)) or '（なし）'}（config/profiles/ に置きます）")
    body = dict(bodies[name])
    parent = body.pop("extends", None)
    return deep_merge(resolve_raw(str(parent), bodies, (*seen, name)), body) if parent else body


def resolve_profile(name: str, bodies: dict[str, dict[str, Any]], overrides: dict[str, Any] | None = None) -> Profile:
    """Profile ``name`` (extends chain merged) with a municipality's ``overrides`` on top, validated."""
    raw = deep_merge(resolve_raw(name, bodies), overrides or {})
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  - {'.'.join(map(str, e['loc']))}: {japanese_message(e)}" for e in exc.errors()]
        raise BusinessError(f"プロファイル「{name}」の内容に誤りがあります:\n" + "\n".join(lines),
                            hint="kyodo registry validate で場所（ファイル:行:列）を確認できます。") from None


def profile_view(p: Profile) -> dict[str, Any]:
    """What a scenario sees as ``${m.profile}``."""
    return p.model_dump(by_alias=True, exclude={"extends"})

"""Browser actions (Playwright + Debian Chromium): open, log in, fill, click, download, read tables.

Selectors are CSS selectors or Playwright text selectors (``text=ログイン``). Every action
saves a screenshot and the page HTML when it fails.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import ApplicationError, BusinessError
from kyodo.core.privacy import mask_text
from kyodo.core.zones import Zone
from kyodo.robots import RunContext, action
from kyodo.robots.browser._capture import captured
from kyodo.robots.browser._session import page, unreachable, visible_error_text
from kyodo.robots.context import safe_filename
from kyodo.robots.paths import output_name_problem

_WEB = (Zone.INTERNET, Zone.LGWAN)


@action("browser.open", title="ページを開く", zones=_WEB, example="""
    - action: browser.open
      with:
        url: ${m.portal_url}/login
    """)
def open_page(ctx: RunContext, *, url: str, wait_for: str | None = None, timeout_seconds: float = 15) -> str:
    """ブラウザでページを開きます（自治体ごとに新しいブラウザ環境を使います）。

    引数:
      url: 開くページのURL。自治体ごとに違うURLは ${m.portal_url} のように自治体設定から取ります。
      wait_for: 開いた後に表示を待つ要素（例: "h1" や "text=受付一覧"）。
      timeout_seconds: 待つ最大秒数。

    戻り値: 開いたページのタイトル。
    """
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "open", f"ページを開く（{url}）"):
        pg.goto(url, wait_until="domcontentloaded", timeout=timeout_seconds * 1000)
        if wait_for:
            pg.wait_for_selector(wait_for, timeout=timeout_seconds * 1000)
        return pg.title()


@action("browser.login", title="ログインする", zones=_WEB, example="""
    - action: browser.login
      with:
        url: ${m.portal_url}/login
        user: ${m.credentials.user}
        password_secret: ${m.credentials.password_secret}
    """)
def login(
    ctx: RunContext,
    *,
    url: str,
    user: str,
    password_secret: str,
    user_field: str = "#user",
    password_field: str = "#password",
    submit: str = "button[type=submit]",
    success: str = "text=ログアウト",
    error: str = ".error",
    timeout_seconds: float = 15,
) -> bool:
    """ログイン画面でIDとパスワードを入力してログインします。

    パスワードはシナリオに書かず、シークレット名（password_secret）で指定します。値は
    `kyodo secret set 名前` で登録し、ログや画面の記録には残りません。

    引数:
      url: ログイン画面のURL。
      user: ログインID。
      password_secret: パスワードを保存したシークレットの名前。
      user_field / password_field / submit: ID欄・パスワード欄・ログインボタンのセレクタ。
      success: ログイン成功後に現れる要素（既定: 「ログアウト」の文字）。
      error: ログイン失敗時に現れるエラー表示の要素。
      timeout_seconds: 待つ最大秒数。

    戻り値: true（失敗時はエラーで止まり、パスワード誤りなら再試行しません）。
    """
    password = ctx.secret(password_secret)
    pg = page(ctx, timeout_seconds)
    with captured(ctx, pg, "login", f"ログイン（{url}）"):
        pg.goto(url, wait_until="domcontentloaded")
        pg.fill(user_field, user)
        pg.fill(password_field, password)
        pg.click(submit)
        ok, bad = pg.locator(success), pg.locator(error)
        ok.or_(bad).first.wait_for(timeout=timeout_seconds * 1000)
        if bad.count() and bad.first.is_visible():
            shown = bad.first.inner_text().strip()
            raise BusinessError(
                f"ログインできませんでした（画面の表示: {shown}）。",
                hint=f"ID「{user}」とシークレット「{password_secret}」のパスワードを確認してください（kyodo secret set {password_secret}）。",
            )
    ctx.log.info("ログイン成功: %s", user)
    return True


@action("browser.fill", title="入力欄に入力する", zones=_WEB, example="""
    - action: browser.fill
      with:
        selector: "#from"
        value: ${params.date_from}
    """)
def fill(ctx: RunContext, *, selector: str, value: str | None = None, secret: str | None = None) -> None:
    """入力欄に文字を入れます。パスワードなどは value ではなく secret（シークレット名）で指定します。

    引数:
      selector: 入力欄のセレクタ（例: "#name", "input[name=from]"）。
      value: 入力する文字。
      secret: 入力する値を保存したシークレットの名前（value の代わり）。
    """
    if (value is None) == (secret is None):
        raise BusinessError("browser.fill には value か secret のどちらか一方を指定してください。")
    pg = page(ctx)
    with captured(ctx, pg, "fill", f"入力（{selector}）"):
        pg.fill(selector, ctx.secret(secret) if secret else str(value))


@action("browser.select", title="選択肢を選ぶ", zones=_WEB, example="""
    - action: browser.select
      with:
        selector: "#procedure"
        label: ${params.procedure}
    """)
def select(ctx: RunContext, *, selector: str, label: str | None = None, value: str | None = None) -> None:
    """プルダウン（select）の選択肢を、表示名（label）か値（value）で選びます。

    引数:
      selector: プルダウンのセレクタ。
      label: 画面に表示されている選択肢の文字（例: 児童手当 現況届）。
      value: 選択肢の値（label の代わり）。
    """
    pg = page(ctx)
    with captured(ctx, pg, "select", f"選択（{selector}）"):
        options = pg.locator(f"{selector} option").all_inner_texts()
        if label is not None and label not in [o.strip() for o in options]:
            raise BusinessError(f"選択肢「{label}」がありません。", hint=f"選べるもの: {', '.join(o.strip() for o in options)}")
        pg.select_option(selector, label=label) if label is not None else pg.select_option(selector, value=value)


@action("browser.click", title="クリックする", zones=_WEB, example="""
    - action: browser.click
      with:
        selector: "text=検索"
        wait_for: "table#applications"
    """)
def click(ctx: RunContext, *, selector: str, wait_for: str | None = None, timeout_seconds: float = 15) -> None:
    """ボタンやリンクをクリックします。

    引数:
      selector: クリックする要素（例: "button#search", "text=次へ"）。
      wait_for: クリック後に表示を待つ要素。
      timeout_seconds: 待つ最大秒数。
    """
    pg = page(ctx)
    with captured(ctx, pg, "click", f"クリック（{selector}）"):
        pg.click(selector, timeout=timeout_seconds * 1000)
        if wait_for:
            pg.wait_for_selector(wait_for, timeout=timeout_seconds * 1000)


@action("browser.download", title="ファイルをダウンロードする", zones=_WEB, personal_data=True, example="""
    - id: csv
      action: browser.download
      with:
        click: "#export"
        filename: ${m.code}_applications.csv
    """)
def download(ctx: RunContext, *, click: str, filename: str | None = None, timeout_seconds: float = 60,
             error: str | None = None) -> Path:
    """ボタンをクリックしてファイルをダウンロードし、この実行の成果物フォルダに保存します。

    ダウンロードを待つ間に画面にエラー（「受付日は yyyy/mm/dd の形式で入力してください。」など）が
    表示されたら、待ち続けずにその文言を引用して止まります（入力の誤りなので再試行しません）。
    システムに接続できないときは「システムに接続できません」として止まります（再試行の対象です）。

    引数:
      click: ダウンロードが始まるボタンやリンクのセレクタ（フォームの送信ボタンでも構いません）。
      filename: 保存するファイル名（フォルダは書けません。省略時はサーバーが付けた名前から、フォルダ部分を取り除いて使います）。
      timeout_seconds: ダウンロード完了を待つ最大秒数。
      error: 失敗時に画面に出るエラー表示のセレクタ（省略時は .error や role=alert など、よくある場所）。

    戻り値: 保存したファイルのパス（次のステップで ${id} として使えます）。
    """
    if filename and (problem := output_name_problem(filename)):  # before clicking: nothing is downloaded in vain
        raise BusinessError(problem + "。", where=filename, hint="filename にはファイル名だけを書いてください。")
    pg = page(ctx)
    with captured(ctx, pg, "download", f"ダウンロード（{click}）"):
        arrived: list[Any] = []
        pg.once("download", lambda d: arrived.append(d))
        pg.click(click)
        _await_download(pg, arrived, timeout_seconds, error, click)
        dl = arrived[0]
        name = filename or safe_filename(dl.suggested_filename, "download")  # the scenario's name: folders refused
        dest = ctx.artifact_path(name, subdir="downloads")
        tmp = dest.with_name(f".{dest.name}.part")
        dl.save_as(str(tmp))
        tmp.replace(dest)
    ctx.log.info("ダウンロード: %s（%d バイト）", dest.name, dest.stat().st_size)
    return dest


def _await_download(pg: Any, arrived: list[Any], timeout_seconds: float, error: str | None, click: str) -> None:
    """Wait for the download, but stop at once on an error the portal shows or a lost connection."""
    deadline = time.monotonic() + timeout_seconds
    while not arrived:
        if unreachable(pg):
            raise ApplicationError(f"ダウンロード（{click}）: システムに接続できません（停止中かURLの誤り）。",
                                   hint="ポータルのURLと稼働状況を確認し、再実行してください。")
        shown = visible_error_text(pg, error)
        if shown:
            raise BusinessError(f"ダウンロード（{click}）: 画面にエラーが表示されています: 「{mask_text(shown)}」",
                                hint="表示された内容（日付の形式・手続の指定など）を直してください。"
                                     "プロファイルの dates.format などの設定が製品と合っているか確認してください。")
        if time.monotonic() > deadline:
            raise ApplicationError(f"ダウンロード（{click}）: {timeout_seconds:g} 秒待ってもダウンロードが始まりませんでした。",
                                   hint="ボタンのセレクタ（click）と、画面の状態を確認してください。")
        pg.wait_for_timeout(150)


@action("browser.read_table", title="画面の表を読み取る（ページ送り対応）", zones=_WEB, personal_data=True, example="""
    - id: rows
      action: browser.read_table
      with:
        selector: "table#applications"
        next_page: "a[rel=next]"
    """)
def read_table(ctx: RunContext, *, selector: str, next_page: str | None = None, max_pages: int = 200) -> Any:
    """画面に表示された表（table）を読み取ります。「次へ」があれば最後のページまでたどります。

    引数:
      selector: 表のセレクタ。
      next_page: 「次へ」リンクのセレクタ（無くなったら終わり）。
      max_pages: 読む最大ページ数（無限ループ防止）。

    戻り値: 表（見出し行を列名にします）。
    """
    pg = page(ctx)
    rows: list[list[str]] = []
    header: list[str] = []
    with captured(ctx, pg, "read_table", f"表の読み取り（{selector}）"), ctx.steps(None, "ページ") as tick:
        for _ in range(max_pages):
            pg.wait_for_selector(selector)
            table = pg.locator(selector).first
            if not header:
                header = [h.strip() for h in table.locator("thead th").all_inner_texts()]
            for tr in table.locator("tbody tr").all():
                rows.append([c.strip() for c in tr.locator("td").all_inner_texts()])
            tick(item=f"{len(rows):,} 行")
            if not next_page or pg.locator(next_page).count() == 0:
                break
            pg.locator(next_page).first.click()
            pg.wait_for_load_state("domcontentloaded")
        else:
            raise BusinessError(f"ページ数が上限（{max_pages}）を超えました。", hint="max_pages を増やすか、検索条件で件数を絞ってください。")
    width = len(header) or (len(rows[0]) if rows else 0)
    return pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows], columns=header or None)


@action("browser.screenshot", title="画面を保存する", zones=_WEB, example="""
    - action: browser.screenshot
      with:
        filename: 完了画面.png
    """)
def screenshot(ctx: RunContext, *, filename: str = "screen.png") -> Path:
    """今の画面を画像（PNG）で成果物フォルダに保存します（作業の証跡に）。

    引数:
      filename: 保存するファイル名。

    戻り値: 保存した画像のパス。
    """
    pg = page(ctx)
    dest = ctx.artifact_path(filename if filename.endswith(".png") else filename + ".png")
    with captured(ctx, pg, "screenshot", "画面の保存"):
        pg.screenshot(path=str(dest), full_page=True)
    return dest


from kyodo.robots.browser import forms as _forms  # noqa: E402, F401  (last, as forms imports this module; registers fill_form/upload/wait_for/read_text)

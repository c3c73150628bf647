"""``kyodo users``: staff accounts for the dashboard."""

from __future__ import annotations

import typer
from rich.markup import escape

from kyodo.core.errors import BusinessError
from kyodo.core.settings import load_settings
from kyodo.runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="ダッシュボードの職員アカウント。", no_args_is_help=True)


@app.command("add")
@friendly_errors
def add(
    username: str = typer.Argument(..., help="ユーザー名"),
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コード（省略で県職員＝全自治体）"),
    name: str = typer.Option("", "--name", help="表示名"),
) -> None:
    """職員アカウントを追加・更新します（パスワードは入力を求めます）。"""
    from kyodo.runner.dashboard.users import add_user

    _, registry, store = load_context()
    scope = "県（全自治体）"
    if municipality is not None:
        if not municipality.strip():
            raise BusinessError("--municipality に自治体コードがありません（空です）。",
                                hint="市町の職員は --municipality 352039 のようにコードを、県職員（全自治体）は --municipality を付けずに登録してください。")
        m = registry.get(municipality.strip())
        municipality, scope = m.code, f"{m.name}（{m.code}）"
    add_user(store, username, _new_password(), municipality, name)
    from kyodo.runner.audit import current_user, record_quietly

    record_quietly(current_user(), "user.add", username.strip(), scope)
    console.print(f"ユーザー「{username}」を登録しました（{scope}）。")


def _new_password() -> str:
    """From KYODO_NEW_PASSWORD (automation) or a hidden prompt typed twice; never a command-line argument."""
    given = load_settings().new_password
    return given.get_secret_value() if given else typer.prompt("パスワード", hide_input=True, confirmation_prompt=True)


@app.command("list")
@friendly_errors
def list_() -> None:
    """職員アカウントの一覧（所属・状態・ログイン中のセッション数）。"""
    from rich.table import Table

    from kyodo.core.jst import jst
    from kyodo.runner.dashboard.users import list_users

    _, registry, store = load_context()
    names = registry.names()
    table = Table("ユーザー名", "表示名", "所属", "状態", "ログイン中", "登録日時")
    for a in list_users(store):
        where = "県（全自治体）" if a.municipality is None else f"{names.get(a.municipality, '')}（{a.municipality}）"
        state = f"無効（{jst(a.disabled_at)}）" if a.disabled_at else "有効"
        table.add_row(escape(a.username), escape(a.display_name), where, state, str(a.sessions), jst(a.created_at))
    if not table.rows:
        console.print("職員アカウントはまだありません（kyodo users add 名前 --municipality 自治体コード）。")
        return
    console.print(table)


@app.command("passwd")
@friendly_errors
def passwd(username: str = typer.Argument(..., help="ユーザー名")) -> None:
    """パスワードを変更します。その職員のログイン中の画面はすべてログアウトされます。"""
    from kyodo.runner.audit import current_user, record_quietly
    from kyodo.runner.dashboard.users import set_password

    _, _, store = load_context()
    ended = set_password(store, username, _new_password())
    record_quietly(current_user(), "user.passwd", username, f"セッション終了={ended}")
    console.print(f"ユーザー「{username}」のパスワードを変更しました（ログイン中の {ended} 件をログアウト）。")


@app.command("disable")
@friendly_errors
def disable(username: str = typer.Argument(..., help="ユーザー名")) -> None:
    """アカウントを無効にします（ログイン不可、ログイン中の画面もすぐ使えなくなります）。"""
    from kyodo.runner.audit import current_user, record_quietly
    from kyodo.runner.dashboard.users import set_disabled

    _, _, store = load_context()
    ended = set_disabled(store, username, True)
    record_quietly(current_user(), "user.disable", username, f"セッション終了={ended}")
    console.print(f"ユーザー「{username}」を無効にしました（ログイン中の {ended} 件をログアウト）。"
                  f"戻すとき: kyodo users enable {username}")


@app.command("enable")
@friendly_errors
def enable(username: str = typer.Argument(..., help="ユーザー名")) -> None:
    """無効にしたアカウントを有効に戻します。"""
    from kyodo.runner.audit import current_user, record_quietly
    from kyodo.runner.dashboard.users import set_disabled

    _, _, store = load_context()
    set_disabled(store, username, False)
    record_quietly(current_user(), "user.enable", username, "")
    console.print(f"ユーザー「{username}」を有効にしました。")


@app.command("remove")
@friendly_errors
def remove(username: str = typer.Argument(..., help="ユーザー名"),
           yes: bool = typer.Option(False, "--yes", help="確認せずに削除する")) -> None:
    """アカウントを削除します（監査ログの記録は残ります）。"""
    from kyodo.runner.audit import current_user, record_quietly
    from kyodo.runner.dashboard.users import remove_user

    _, _, store = load_context()
    if not yes and not typer.confirm(f"ユーザー「{username}」を削除しますか？"):
        raise typer.Exit(1)
    remove_user(store, username)
    record_quietly(current_user(), "user.remove", username, "")
    console.print(f"ユーザー「{username}」を削除しました。")

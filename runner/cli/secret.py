"""``kyodo secret``: register, list and delete secrets (values are never shown or logged)."""

from __future__ import annotations

import sys

import typer

from kyodo.runner.cli._common import console, friendly_errors

app = typer.Typer(help="シークレット（パスワード等）の管理。", no_args_is_help=True)


@app.command("set")
@friendly_errors
def set_(name: str = typer.Argument(..., help="シークレット名（例: PORTAL_352039）"),
         stdin: bool = typer.Option(False, "--stdin", help="値を標準入力から読む（自動化用）")) -> None:
    """シークレットを登録します（値は画面に表示されない入力で受け取ります）。"""
    from kyodo.runner.audit import current_user, record
    from kyodo.runner.secrets import set_secret

    value = sys.stdin.readline().rstrip("\n") if stdin else typer.prompt("値", hide_input=True, confirmation_prompt=True)
    set_secret(name, value)
    record(current_user(), "secret.set", name, "")
    console.print(f"シークレット「{name}」を登録しました。")


@app.command("list")
@friendly_errors
def list_() -> None:
    """登録済みのシークレット名を表示します（値は表示しません）。"""
    from kyodo.runner.secrets import list_secrets

    for name, where in list_secrets():
        console.print(f"{name}\t{where}")


@app.command("delete")
@friendly_errors
def delete(name: str = typer.Argument(..., help="シークレット名")) -> None:
    """シークレットを削除します。"""
    from kyodo.runner.audit import current_user, record
    from kyodo.runner.secrets import delete_secret

    found = delete_secret(name)
    record(current_user(), "secret.delete", name, "" if found else "未登録")
    console.print(f"シークレット「{name}」を削除しました。" if found else f"シークレット「{name}」は登録されていません。")

"""``kyodo users``: staff accounts for the dashboard."""

from __future__ import annotations

import os
from typing import Optional

import typer

from runner.cli._common import console, friendly_errors, load_context

app = typer.Typer(help="ダッシュボードの職員アカウント。Staff accounts.", no_args_is_help=True)


@app.command("add")
@friendly_errors
def add(
    username: str = typer.Argument(..., help="ユーザー名"),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", help="自治体コード（省略で県職員＝全自治体）"),
    name: str = typer.Option("", "--name", help="表示名"),
) -> None:
    """職員アカウントを追加・更新します（パスワードは入力を求めます）。Add a staff user."""
    from runner.dashboard.users import add_user

    _, registry, store = load_context()
    if municipality:
        municipality = registry.get(municipality).code
    password = os.environ.get("KYODO_NEW_PASSWORD") or typer.prompt("パスワード", hide_input=True, confirmation_prompt=True)
    add_user(store, username, password, municipality, name)
    console.print(f"ユーザー「{username}」を登録しました（{municipality or '県（全自治体）'}）。")

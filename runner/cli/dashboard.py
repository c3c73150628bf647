"""``kyodo dashboard``: serve the staff dashboard."""

from __future__ import annotations

import os

import typer

from runner.cli._common import console, friendly_errors, load_context


@friendly_errors
def dashboard(host: str = typer.Option("127.0.0.1", help="待ち受けアドレス"), port: int = typer.Option(8600, help="ポート"),
              https_only: bool = typer.Option(False, "--https-only", help="HTTPS の裏で動かすとき（Cookie に Secure を付ける）")) -> None:
    """職員向けダッシュボードを起動します（実行履歴・画面・成果物・予定・効果測定）。Serve the dashboard."""
    import uvicorn

    from runner.dashboard.app import create_app

    settings, registry, store = load_context()
    store.mark_interrupted()
    secret = os.environ.get("KYODO_SESSION_SECRET")
    console.print(f"ダッシュボード: http://{host}:{port}/ （ユーザー追加: kyodo users add 名前 --municipality コード）")
    uvicorn.run(create_app(store, registry, settings, session_secret=secret, https_only=https_only), host=host, port=port,
                log_level="warning")

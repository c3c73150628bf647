"""``kyodo dashboard``: serve the staff dashboard."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import typer

from kyodo.core.settings import load_settings
from kyodo.runner.cli._common import console, err_console, friendly_errors, load_context


def session_secret(home: Path) -> str:
    """``KYODO_SESSION_SECRET``, else a random key kept in ``<home>/session.key`` (0600) so logins survive restarts."""
    env = load_settings().session_secret
    if env:
        return env.get_secret_value()
    path = home / "session.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


@friendly_errors
def dashboard(host: str = typer.Option("127.0.0.1", help="待ち受けアドレス"), port: int = typer.Option(8600, help="ポート"),
              https_only: bool = typer.Option(False, "--https-only", help="HTTPS の裏で動かすとき（Cookie に Secure を付ける）")) -> None:
    """職員向けダッシュボードを起動します（実行履歴・画面・成果物・予定・効果測定）。

    職員の登録: kyodo users add 名前 --municipality 自治体コード（県職員はコードなし）
    """
    import uvicorn

    from kyodo.runner.dashboard.app import create_app
    from kyodo.runner.notify.send import notify_interrupted_quietly

    settings, registry, store = load_context()
    interrupted = store.mark_interrupted()
    notify_interrupted_quietly(interrupted, store, registry)
    if interrupted:
        console.print(f"停止したプロセスの実行 {len(interrupted)} 件を「中断」にしました（kyodo runs rerun で再実行できます）。")
    if host not in ("127.0.0.1", "localhost", "::1") and not https_only:
        err_console.print("[yellow]注意[/]: ループバック以外で待ち受けます。HTTPS のリバースプロキシの裏に置き、--https-only を付けてください。")
    console.print(f"ダッシュボード: http://{host}:{port}/ （職員の追加: kyodo users add 名前 --municipality 自治体コード）")
    app = create_app(store, registry, settings, session_secret=session_secret(settings.home), https_only=https_only)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=https_only)

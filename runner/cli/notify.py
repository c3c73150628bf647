"""``kyodo notify``: check the notification channels, send the daily summary."""

from __future__ import annotations

import typer

from kyodo.runner.cli._common import console, err_console, friendly_errors

app = typer.Typer(help="失敗の知らせ（メール・Teams・Slack互換・LINE WORKS）。", no_args_is_help=True)


def _report(outcome) -> None:
    for s in outcome.sent:
        console.print(f"[green]送信[/]: {s}", highlight=False)
    for f in outcome.failed:
        err_console.print(f"[bold red]送信失敗[/]: {f}", highlight=False)
    if outcome.failed:
        raise typer.Exit(1)


@app.command("test")
@friendly_errors
def test(municipality: str | None = typer.Option(None, "--municipality", "-m", help="自治体コードまたは名前（その自治体の宛先にも送る）")) -> None:
    """テストの通知を、設定したすべての宛先に送ります（KYODO_SMTP_URL・KYODO_NOTIFY_EMAIL・台帳の notify:）。"""
    from kyodo.core.settings import get_settings
    from kyodo.runner.notify.send import send_test
    from kyodo.runner.registry import load_registry

    _report(send_test(load_registry(get_settings().registry_path), municipality))


@app.command("summary")
@friendly_errors
def summary(day: str | None = typer.Option(None, "--day", help="対象日（省略時は今日。例: 2026-11-26）")) -> None:
    """その日の実行のまとめを送ります（毎夕、cron やタスクスケジューラーから呼びます）。"""
    from kyodo.runner.cli._common import load_context
    from kyodo.runner.notify.send import send_daily_summary
    from kyodo.runner.store.store import parse_day

    _, registry, store = load_context()
    try:
        when = parse_day(day) if day else None
    except ValueError as exc:
        from kyodo.core.errors import BusinessError

        raise BusinessError(str(exc), where="--day") from None
    outcome = send_daily_summary(store, registry, when)
    if not outcome.sent and not outcome.failed:
        console.print("まとめの宛先がありません（KYODO_NOTIFY_EMAIL か台帳の notify: を設定してください）。")
    _report(outcome)

"""``kyodo record``: a DX leader does the job once in Chromium, kyodo writes the scenario YAML."""

from __future__ import annotations

from pathlib import Path

import typer


def record(
    url: str = typer.Argument(..., help="記録を始めるページのURL（例: ポータルのログイン画面）"),
    output: Path | None = typer.Option(None, "--output", "-o", help="書き出すシナリオファイル（既定: recorded_今日の日付.yaml）"),
    municipality: str | None = typer.Option(None, "--municipality", "-m",
                                               help="自治体コードか名前。ポータルURL・ログインID・パスワード名を自治体設定の参照にします"),
    title: str | None = typer.Option(None, "--title", help="シナリオ名（日本語、例: 受付データのダウンロード）"),
    headless: bool | None = typer.Option(None, "--headless/--headed", help="画面を出さずに記録するか（既定: 画面があれば表示）"),
    verify: bool | None = typer.Option(None, "--verify/--no-verify", help="記録後に試しに実行し、ダウンロードしたファイルを比べるか（既定: 確認して決める）"),
    profile: str | None = typer.Option(None, "--profile", help="新しいシナリオではなく、標準シナリオ「電子申請データ取りまとめ」のプロファイル（この名前）として保存"),
) -> None:
    """ブラウザでの操作を記録してシナリオ（YAML）を作ります。"""
    from kyodo.runner.cli.recording import record_scenario  # Chromium and the engine: only when recording

    code = record_scenario(url, output, municipality, title, headless, verify, profile)
    raise typer.Exit(code)

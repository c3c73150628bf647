"""``kyodo registry``: check the municipality registry, its portal profiles and municipality files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from kyodo.runner.cli._common import console, err_console

app = typer.Typer(help="自治体台帳・プロファイルの確認。", no_args_is_help=True)


@app.command("validate")
def validate(file: Path | None = typer.Argument(None, help="自治体台帳（省略時は KYODO_REGISTRY か config/municipalities.yaml）")) -> None:
    """台帳・プロファイル（config/profiles/）・自治体ファイル（config/municipalities/）の誤りを、行・列つきで全部表示します。

    検査数字、知らない項目（似た名前の提案つき）、無いプロファイル・シナリオ・パラメータ、読めないスケジュールを調べます。
    """
    from kyodo.core.settings import get_settings
    from kyodo.runner.cli.scenario import _valid_scenarios
    from kyodo.runner.registry_check import check_registry

    path = file or get_settings().registry_path
    problems = check_registry(path, _valid_scenarios())
    if problems:
        err_console.print(f"[red]×[/] {escape(str(path))}: {len(problems)} 件の誤り", highlight=False)
        for p in problems:
            err_console.print(f"  {escape(str(p))}", highlight=False)
        raise typer.Exit(1)
    from kyodo.runner.profiles import profile_files

    n = len(profile_files(path))
    console.print(f"[green]✓[/] {escape(str(path))}: 問題ありません（プロファイル {n} 件も確認しました）", highlight=False)

"""``kyodo artifacts``: retention purge, encryption key, decryption."""

from __future__ import annotations

from pathlib import Path

import typer

from kyodo.runner.cli._common import console, friendly_errors

app = typer.Typer(help="成果物の保存期間・暗号化。", no_args_is_help=True)


@app.command("purge")
@friendly_errors
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="削除せず、対象だけ表示")) -> None:
    """保存期間（retention_days）を過ぎた成果物を削除し、監査ログに記録します。"""
    from kyodo.runner.artifacts import purge_expired
    from kyodo.runner.audit import current_user

    done = purge_expired(dry_run=dry_run, actor=current_user())
    for p in done:
        console.print(f"{'削除対象' if dry_run else '削除'}: {p.run_id} {p.scenario} {p.municipality} {p.folder}", highlight=False)
    console.print(f"{len(done)} 件{'（試行: 何も削除していません）' if dry_run else 'を削除しました'}。")


@app.command("keygen")
def keygen() -> None:
    """成果物暗号化用のキーを作って表示します（kyodo secret set ARTIFACT_KEY で登録）。"""
    from kyodo.runner.artifacts import new_key

    typer.echo(new_key())


@app.command("decrypt")
@friendly_errors
def decrypt(path: Path = typer.Argument(..., help="暗号化された成果物（.enc）"),
            output: Path = typer.Option(..., "--output", "-o", help="復号したファイルの保存先")) -> None:
    """暗号化された成果物を復号します。"""
    import os

    from kyodo.runner.artifacts import decrypt_bytes
    from kyodo.runner.audit import current_user, record

    plain = decrypt_bytes(path.read_bytes())
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others, not even briefly
    with os.fdopen(fd, "wb") as f:
        f.write(plain)
    record(current_user(), "artifact.decrypt", str(path.name), "")
    console.print(f"復号しました: {output}")

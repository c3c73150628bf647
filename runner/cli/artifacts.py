"""``kyodo artifacts``: retention purge, encryption key, decryption."""

from __future__ import annotations

from pathlib import Path

import typer

from runner.cli._common import console, friendly_errors

app = typer.Typer(help="成果物の保存期間・暗号化。Artifacts.", no_args_is_help=True)


@app.command("purge")
@friendly_errors
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="削除せず、対象だけ表示")) -> None:
    """保存期間（retention_days）を過ぎた成果物を削除し、監査ログに記録します。Purge expired artifacts."""
    from runner.artifacts import purge_expired

    done = purge_expired(dry_run=dry_run)
    for p in done:
        console.print(f"{'削除対象' if dry_run else '削除'}: {p.run_id} {p.scenario} {p.municipality} {p.folder}", highlight=False)
    console.print(f"{len(done)} 件{'（試行: 何も削除していません）' if dry_run else 'を削除しました'}。")


@app.command("keygen")
def keygen() -> None:
    """成果物暗号化用のキーを作って表示します（kyodo secret set ARTIFACT_KEY で登録）。Make a key."""
    from runner.artifacts import new_key

    typer.echo(new_key())


@app.command("decrypt")
@friendly_errors
def decrypt(path: Path = typer.Argument(..., help="暗号化された成果物（.enc）"),
            output: Path = typer.Option(..., "--output", "-o", help="復号したファイルの保存先")) -> None:
    """暗号化された成果物を復号します。Decrypt an artifact."""
    from runner.artifacts import decrypt_bytes
    from runner.audit import record

    output.write_bytes(decrypt_bytes(path.read_bytes()))
    output.chmod(0o600)
    record("staff", "artifact.decrypt", str(path.name), "")
    console.print(f"復号しました: {output}")

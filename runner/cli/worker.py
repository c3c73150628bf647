"""``kyodo worker``: a Celery worker inside one network segment (zone)."""

from __future__ import annotations

import os

import typer

from kyodo.core.zones import ZONES
from kyodo.runner.cli._common import console


def worker(
    zone: str = typer.Option(..., "--zone", help="このワーカーのネットワーク: internet / lgwan / mynumber"),
    municipality: list[str] | None = typer.Option(None, "--municipality", "-m", help="この自治体専用のキューも処理"),
    concurrency: int = typer.Option(1, "--concurrency", "-c", help="同時に実行する数"),
    pool: str = typer.Option("prefork", "--pool", help="prefork / solo / threads"),
) -> None:
    """指定したネットワークのキューだけを処理するワーカーを起動します。"""
    from kyodo.runner.worker.app import celery_app, queue_for

    if zone not in ZONES:
        console.print(f"ゾーン「{zone}」は使えません（{' / '.join(ZONES)}）。")
        raise typer.Exit(2)
    queues = [queue_for(zone)] + [f"kyodo.{zone}.{m}" for m in municipality or []]
    app = celery_app()
    import kyodo.runner.worker.tasks  # noqa: F401  (registers the task)

    console.print(f"ワーカー起動: ゾーン {zone}、キュー {', '.join(queues)}")
    app.worker_main(["worker", "-Q", ",".join(queues), "-c", str(concurrency), "--pool", pool, "-n", f"kyodo-{zone}-{os.getpid()}@%h",
                     "--loglevel", "INFO", "--without-mingle", "--without-gossip"])

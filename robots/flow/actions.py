"""Flow actions: small building blocks that are not robots of their own."""

from __future__ import annotations

from kyodo.robots import RunContext, action


@action("flow.log", title="メッセージを記録する", example="""
    - action: flow.log
      with:
        message: ${municipality.name} の処理を始めます
    """)
def log(ctx: RunContext, *, message: str, count: int = 0) -> str:
    """実行記録（run.log）にメッセージを残します。個人情報は自動的に隠されます。

    引数:
      message: 記録するメッセージ。
      count: 処理件数として数える件数（効果測定に反映。通常は 0）。

    戻り値: 記録したメッセージ。
    """
    ctx.log.info("%s", message)
    if count:
        ctx.count_items(ok=count)
    return message

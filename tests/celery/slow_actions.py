"""Test-only actions for the Celery fault tests (loaded through KYODO_PLUGINS)."""

import os
import time
from pathlib import Path

from kyodo.robots import RunContext, action


@action("testing.slow_write", title="テスト: 待ってから書く", zones=("internet", "lgwan", "mynumber"),
        example="- action: testing.slow_write\n  with: {seconds: 5}")
def slow_write(ctx: RunContext, *, seconds: float = 5, name: str = "output.txt") -> str:
    """テスト用: 開始を記録し、待ってから出力ファイルを1つ書きます。

    引数:
      seconds: 待つ秒数。
      name: 出力ファイル名。
    """
    markers = Path(os.environ["KYODO_TEST_MARKERS"])
    markers.mkdir(parents=True, exist_ok=True)
    (markers / f"started-{ctx.run_id}-{os.getpid()}").write_text(str(os.getpid()))
    time.sleep(seconds)
    out = ctx.artifact_path(name)
    tmp = out.with_name("." + out.name + ".tmp")
    tmp.write_text(f"done by {os.getpid()}\n")
    tmp.replace(out)
    ctx.count_items(ok=1)
    return str(out)

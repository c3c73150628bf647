"""A test action that reports its own progress (``ctx.steps``), registered only while a test needs it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kyodo.core.actions import _REGISTRY
from kyodo.robots import RunContext, action

NAME = "testing.pages"


@contextmanager
def ticking_action(on_tick: Callable[[RunContext, int], None] | None = None) -> Iterator[str]:
    """Register ``testing.pages`` (count pages, one tick each; ``on_tick`` runs after each tick)."""

    @action(NAME, title="テスト: ページを数える", example=f"- action: {NAME}")
    def pages(ctx: RunContext, *, count: int = 5) -> int:
        """テスト用: ページを1枚ずつ数え、進み具合を知らせます。

        引数:
          count: ページ数。
        """
        with ctx.steps(count, "ページ") as tick:
            for n in range(1, count + 1):
                tick(item=f"p{n}")
                if on_tick is not None:
                    on_tick(ctx, n)
        return count

    try:
        yield NAME
    finally:
        _REGISTRY.pop(NAME, None)

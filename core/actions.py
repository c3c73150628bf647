"""The action registry: how a plain typed function becomes a scenario step.

A robot action is an ordinary function ``fn(ctx, *, arg: type = default) -> value``
decorated with :func:`action`. Its docstring is the DX leader's manual, its type hints are
the argument schema (validated by pydantic before the call, and exported as JSON Schema for
editor completion) and ``example`` is a YAML snippet shown in ``kyodo actions``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kyodo.core.zones import ZONES


@dataclass(frozen=True)
class ActionSpec:
    """What the engine, validator and docs need to know about one action."""

    name: str
    title: str
    func: Callable[..., Any]
    zones: frozenset[str]  # Zone members (StrEnum, equal to their names)
    example: str
    personal_data: bool = False

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def parameters(self) -> dict[str, inspect.Parameter]:
        """Named arguments a scenario may pass (everything but the leading ``ctx``)."""
        params = list(inspect.signature(self.func).parameters.values())
        return {p.name: p for p in params[1:] if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}


_REGISTRY: dict[str, ActionSpec] = {}


def action(
    name: str,
    *,
    title: str,
    example: str = "",
    zones: tuple[str, ...] = ZONES,
    personal_data: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` as the scenario action ``name`` (e.g. ``browser.open``).

    ``title`` is the short Japanese label, ``zones`` the network segments the action may run
    in (a browser action that reaches the internet is not allowed in ``mynumber``), and
    ``personal_data`` marks actions whose output holds personal data.
    """
    bad = set(zones) - set(ZONES)
    if bad:
        raise ValueError(f"unknown zones {bad} for action {name}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"action {name} registered twice")
        _REGISTRY[name] = ActionSpec(name, title, func, frozenset(zones), inspect.cleandoc(example), personal_data)
        return func

    return register


def registered() -> dict[str, ActionSpec]:
    """The actions registered so far, by name (``kyodo.robots.all_actions`` imports them all first)."""
    return dict(sorted(_REGISTRY.items()))

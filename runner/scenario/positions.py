"""YAML node positions, so every problem can be reported as file:line:column.

PyYAML's ``compose`` (safe: it builds nodes, never objects) keeps a start mark per node; we
index them by the same path pydantic uses in its error locations (``steps.0.with.url``).
The same walk finds keys written twice in one mapping, which YAML silently resolves by
keeping the last one (a classic way to lose a ``with:`` block).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass
class Layout:
    """Where each node of a document is, and which keys were written twice."""

    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[Path_, tuple[int, int]]] = field(default_factory=list)


def layout(text: str) -> Layout:
    """Positions (1-based line, column) of every key and value, plus duplicate keys."""
    out = Layout()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    walked: set[int] = set()

    def walk(node: yaml.Node, path: Path_) -> None:
        out.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in walked:
            return  # an alias: its node was walked where its anchor is (no blow-up, no endless cycle)
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for k, v in node.value:
                key = k.value
                here = (k.start_mark.line + 1, k.start_mark.column + 1)
                if key in seen:
                    out.duplicates.append(((*path, key), here))
                seen.add(key)
                out.positions[(*path, key)] = here
                walk(v, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, (*path, i))

    if root is not None:
        walk(root, ())
    return out


def locate(positions: dict[Path_, tuple[int, int]], path: Path_) -> tuple[int, int]:
    """The position of ``path`` or of its nearest existing parent (a missing key → its mapping)."""
    p = tuple(path)
    while p:
        if p in positions:
            return positions[p]
        p = p[:-1]
    return positions.get((), (1, 1))

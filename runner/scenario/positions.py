"""YAML node positions, so every problem can be reported as file:line:column.

PyYAML's ``compose`` (safe: it builds nodes, never objects) keeps a start mark per node; we
index them by the same path pydantic uses in its error locations (``steps.0.with.url``).
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[Any, ...]


def node_positions(text: str) -> dict[Path_, tuple[int, int]]:
    """Map path → (line, column), both 1-based, for every key and value in the document."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[Path_, tuple[int, int]] = {}

    def walk(node: yaml.Node, path: Path_) -> None:
        out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                out[(*path, key)] = (k.start_mark.line + 1, k.start_mark.column + 1)
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

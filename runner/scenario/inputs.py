"""Which folders a run may read its input files from (``RunContext.input_dirs``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def input_roots(views: list[dict[str, Any]], owner_view: dict[str, Any]) -> tuple[Path, ...]:
    """Each target municipality's input folder, plus the owner's when one run covers several towns.

    ``views`` / ``owner_view`` are ``kyodo.runner.engine.municipality_view`` dicts; the engine builds
    ``RunContext.input_dirs`` the same way, and a dry run checks paths against these roots.
    """
    return tuple(Path(v["input_dir"]) for v in views) + ((Path(owner_view["input_dir"]),) if len(views) > 1 else ())

"""A synonym/alias table staff can edit (YAML): words residents use → words the FAQ uses.

``faq_bot/data/synonyms.yaml`` maps a canonical term to its variants; a municipality can add its
own file (``KYODO_FAQ_SYNONYMS``). Variants are replaced by the canonical term in both the FAQ
text and the question before scoring.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT = Path(__file__).resolve().parent / "data" / "synonyms.yaml"


@dataclass
class Synonyms:
    table: dict[str, list[str]]

    def __post_init__(self) -> None:
        pairs = sorted(((v, k) for k, vs in self.table.items() for v in vs if v), key=lambda p: -len(p[0]))
        self._map = dict(pairs)
        self._re = re.compile("|".join(re.escape(v) for v, _ in pairs)) if pairs else None

    @classmethod
    def load(cls, path: Path | None = None) -> "Synonyms":
        table: dict[str, list[str]] = {}
        for p in [path or DEFAULT, *([Path(os.environ["KYODO_FAQ_SYNONYMS"])] if os.environ.get("KYODO_FAQ_SYNONYMS") else [])]:
            if p.exists():
                data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
                for k, vs in data.items():
                    table.setdefault(str(k), []).extend(str(v) for v in (vs or []))
        return cls(table)

    def apply(self, text: str) -> str:
        return self._re.sub(lambda m: self._map[m.group(0)], text) if self._re else text

"""The colloquial → official word table staff can edit (YAML), applied to residents' questions.

``faq_bot/data/synonyms.yaml`` maps a word the FAQ uses to the words residents use; a
municipality adds its own file with ``KYODO_FAQ_SYNONYMS``. Only the question is touched: each
colloquial word found is followed by its official words (引っ越し → 引っ越し 転居 転入 転出), so
the resident's own word still counts. (Expanding the FAQ side too measured worse.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kyodo.core.errors import BusinessError
from kyodo.core.settings import load_settings

DEFAULT = Path(__file__).resolve().parent / "data" / "synonyms.yaml"


@dataclass
class Synonyms:
    table: dict[str, list[str]]

    def __post_init__(self) -> None:
        spoken: dict[str, list[str]] = {}
        for official, variants in self.table.items():
            for v in variants:
                if v and v != official:
                    spoken.setdefault(v, []).append(official)
        self._map = spoken
        keys = sorted(spoken, key=len, reverse=True)
        self._re = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    @classmethod
    def load(cls, path: Path | None = None) -> Synonyms:
        table: dict[str, list[str]] = {}
        extra = load_settings().faq_synonyms
        for p in [path or DEFAULT, *([extra] if extra else [])]:
            if not p.exists():
                continue
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{p.name}:{mark.line + 1}:{mark.column + 1}" if mark else p.name
                raise BusinessError("同義語表の書き方に誤りがあります。", where=where,
                                    hint="「FAQの言葉: [住民の言い方, …]」の形で書いてください。") from None
            if not isinstance(data, dict):
                raise BusinessError("同義語表は「FAQの言葉: [住民の言い方, …]」の形で書いてください。", where=p.name)
            for k, vs in data.items():
                vs = vs if isinstance(vs, list) else [vs]
                table.setdefault(str(k), []).extend(str(v) for v in vs if v is not None)
        return cls(table)

    def expand(self, question: str) -> str:
        """The question with the official words appended after each colloquial word."""
        if not self._re:
            return question
        return self._re.sub(lambda m: m.group(0) + " " + " ".join(self._map[m.group(0)]) + " ", question)

    apply = expand

"""Which FAQ each municipality's bot answers from, and one cached index per municipality.

FAQ files come from ``KYODO_FAQ_DIR`` (``prefecture.csv|json`` shared by all, ``<code>.csv|json``
per municipality, merged by ID) or, without it, from the bundled demo data.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from faq_bot.answer import Office
from faq_bot.data import FaqEntry, load_faq, merge
from faq_bot.retriever import Retriever
from robots.errors import BusinessError


def _find(dirpath: Path, stem: str) -> Path | None:
    for ext in (".csv", ".json"):
        p = dirpath / f"{stem}{ext}"
        if p.exists():
            return p
    return None


class FaqService:
    """Municipality code → (retriever, office), built lazily and cached."""

    def __init__(self, registry=None, faq_dir: Path | None = None) -> None:
        if registry is None:
            from runner.registry import load_registry
            from runner.settings import get_settings

            registry = load_registry(get_settings().registry_path)
        self.registry = registry
        env_dir = os.environ.get("KYODO_FAQ_DIR")
        self.faq_dir = faq_dir or (Path(env_dir) if env_dir else None)
        self._cache: dict[str, Retriever] = {}
        self._lock = threading.Lock()

    def municipalities(self) -> list[tuple[str, str]]:
        return [(m.code, m.name) for m in self.registry.all()]

    def entries(self, code: str) -> list[FaqEntry]:
        m = self.registry.get(code)
        pref = self.registry.prefecture
        if self.faq_dir is None:
            from faq_bot.demo import municipality_set, prefecture_set

            return merge(prefecture_set(pref.name), municipality_set(m.code, m.name, pref.name))
        shared = _find(self.faq_dir, "prefecture")
        own = _find(self.faq_dir, m.code)
        if shared is None and own is None:
            raise BusinessError(f"{m.name} のFAQファイルがありません。", where=str(self.faq_dir),
                                hint=f"prefecture.csv か {m.code}.csv を置いてください。")
        return merge(load_faq(shared) if shared else [], load_faq(own) if own else [])

    def retriever(self, code: str) -> Retriever:
        m = self.registry.get(code)
        with self._lock:
            if m.code not in self._cache:
                self._cache[m.code] = Retriever(self.entries(m.code))
            return self._cache[m.code]

    def office(self, code: str) -> Office:
        m = self.registry.get(code)
        return Office(m.office or f"{m.name} 代表窓口", m.phone or "")

"""Which FAQ each municipality's bot answers from, and one cached index per municipality.

FAQ files come from ``KYODO_FAQ_DIR`` (``prefecture.csv|json`` shared by all, ``<code>.csv|json``
per municipality, merged by ID) or, without it, from the bundled demo data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from kyodo.core.errors import BusinessError
from kyodo.core.settings import load_settings
from kyodo.faq_bot.data import FaqEntry, load_faq, merge
from kyodo.faq_bot.demo import municipality_set
from kyodo.faq_bot.encoder import OnnxEncoder
from kyodo.faq_bot.localize import Withheld, localize, read_workbook
from kyodo.faq_bot.offices import OfficeDirectory, OfficeInfo, demo_directory, load_directory
from kyodo.faq_bot.retriever import Retriever

log = logging.getLogger("kyodo.faq")


def _find(dirpath: Path, stem: str) -> Path | None:
    for ext in (".csv", ".json"):
        p = dirpath / f"{stem}{ext}"
        if p.exists():
            return p
    return None


class Municipality(Protocol):
    """What the FAQ bot needs to know of a municipality."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class Municipalities(Protocol):
    """The municipalities taking part (the runner's registry is one): handed in, so faq_bot never imports the runner."""

    @property
    def prefecture(self) -> Municipality: ...
    def get(self, code: str) -> Municipality: ...
    def all(self) -> Sequence[Municipality]: ...


class FaqService:
    """Municipality code → (retriever, office), built lazily and cached."""

    def __init__(self, registry: Municipalities, faq_dir: Path | None = None) -> None:
        self.registry = registry
        self.faq_dir = faq_dir or load_settings().faq_dir
        self._cache: dict[str, Retriever] = {}
        self._enc: OnnxEncoder | None = None
        self._dirs: dict[str, OfficeDirectory] = {}
        self._building: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def municipalities(self) -> list[tuple[str, str]]:
        return [(m.code, m.name) for m in self.registry.all()]

    def _raw(self, code: str) -> list[FaqEntry]:
        m = self.registry.get(code)
        faq_dir = self.faq_dir
        if faq_dir is None:  # both callers check this first (the demo set needs no FAQ folder)
            raise BusinessError("KYODO_FAQ_DIR が設定されていません。", hint="FAQファイルのフォルダを KYODO_FAQ_DIR に設定してください。")
        shared = _find(faq_dir, "prefecture")
        own = _find(faq_dir, m.code)
        if shared is None and own is None:
            raise BusinessError(f"{m.name} のFAQファイルがありません。", where=str(faq_dir),
                                hint=f"prefecture.csv か {m.code}.csv を置いてください。")
        return merge(load_faq(shared) if shared else [], load_faq(own) if own else [])

    def localized(self, code: str) -> tuple[list[FaqEntry], list[Withheld]]:
        """(entries residents may see, entries withheld because a placeholder is unfilled)."""
        m = self.registry.get(code)
        if self.faq_dir is None:
            return municipality_set(m.code, m.name, self.registry.prefecture.name), []
        return localize(self._raw(m.code), read_workbook(self.localize_path(m.code)))

    def localize_path(self, code: str) -> Path:
        return (self.faq_dir or Path("var")) / "localize" / f"{code}.xlsx"

    def entries(self, code: str) -> list[FaqEntry]:
        return self.localized(code)[0]

    def retriever(self, code: str) -> Retriever:
        """The municipality's index; building one town's never holds up another town's answers."""
        m = self.registry.get(code)
        with self._lock:
            lock = self._building.setdefault(m.code, threading.Lock())
        with lock:
            if m.code not in self._cache:
                self._cache[m.code] = Retriever(self.entries(m.code), encoder=self._encoder())
            return self._cache[m.code]

    def _encoder(self) -> OnnxEncoder | None:
        path = load_settings().faq_encoder
        if not path:
            return None
        if self._enc is None:
            self._enc = OnnxEncoder(path)
        return self._enc

    def warm(self, codes: list[str] | None = None) -> None:
        """Build the municipalities' indexes now, so the first resident does not wait."""
        for code in codes or [c for c, _ in self.municipalities()]:
            try:
                self.retriever(code)
            except BusinessError as exc:  # e.g. no FAQ file yet: that town's page says so when asked
                log.warning("FAQの索引を作れませんでした（%s）: %s", code, exc.message)

    def warm_in_background(self) -> threading.Thread:
        """Start warming every index in a thread; a town asked first is built at once on demand."""
        thread = threading.Thread(target=self.warm, name="faq-warm", daemon=True)
        thread.start()
        return thread

    def directory(self, code: str) -> OfficeDirectory:
        """The municipality's office directory (never the DX office that runs the bot), cached."""
        m = self.registry.get(code)
        if m.code not in self._dirs:
            self._dirs[m.code] = self._load_directory(m)
        return self._dirs[m.code]

    def _load_directory(self, m) -> OfficeDirectory:
        if self.faq_dir is None:
            return demo_directory(m.code, m.name)
        path = self.faq_dir / "offices" / f"{m.code}.yaml"
        if path.exists():
            return load_directory(path)
        hall = "役場" if m.name.endswith(("町", "村")) else "役所"
        return OfficeDirectory(OfficeInfo(f"{m.name}{hall} 代表窓口"), [])

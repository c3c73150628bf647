"""Each municipality's office directory: which office answers which topic, and how to reach it.

A resident is pointed to the office for the topic — the FAQ's own 担当課, or the office whose
categories cover the best candidates — and otherwise to the general enquiry desk, never to the
DX office that runs the bot. Directory files: ``KYODO_FAQ_DIR/offices/<code>.yaml``; the demo
municipalities use ``faq_bot/data/offices_demo.yaml`` (fictional offices and numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kyodo.core.errors import BusinessError

DEMO = Path(__file__).resolve().parent / "data" / "offices_demo.yaml"


@dataclass
class OfficeInfo:
    name: str
    phone: str = ""
    hours: str = ""
    url: str = ""
    categories: list[str] = field(default_factory=list)

    def contact(self) -> dict[str, str]:
        d = asdict(self)
        d.pop("categories")
        return {"office": d.pop("name"), **d}


@dataclass
class OfficeDirectory:
    general: OfficeInfo
    offices: list[OfficeInfo]

    def for_category(self, category: str) -> OfficeInfo | None:
        for o in self.offices:
            if category and category in o.categories:
                return o
        return None

    def by_name(self, name: str) -> OfficeInfo | None:
        return next((o for o in self.offices if o.name == name or name.endswith(o.name)), None)

    def for_categories(self, ranked: Sequence[str]) -> OfficeInfo:
        """The office most of the best candidates belong to (earlier ranks weigh more)."""
        votes: dict[str, float] = {}
        for rank, cat in enumerate(ranked):
            office = self.for_category(cat)
            if office:
                votes[office.name] = votes.get(office.name, 0.0) + 1.0 / (rank + 1)
        if not votes:
            return self.general
        # max() keeps the first of equal votes, as Counter.most_common(1) did
        return self.by_name(max(votes, key=votes.__getitem__)) or self.general


def _office(raw: Any, where: str) -> OfficeInfo:
    if not isinstance(raw, dict) or not raw.get("担当課"):
        raise BusinessError("窓口には「担当課」が必要です。", where=where, hint="担当課, 電話番号, 受付時間, URL, カテゴリ を書いてください。")
    cats = raw.get("カテゴリ") or []
    return OfficeInfo(str(raw["担当課"]), str(raw.get("電話番号", "") or ""), str(raw.get("受付時間", "") or ""),
                      str(raw.get("URL", "") or ""), [str(c) for c in (cats if isinstance(cats, list) else [cats])])


def parse_directory(data: Any, name: str, fmt: dict[str, str] | None = None) -> OfficeDirectory:
    """A directory from YAML data ({総合案内: {...}, 窓口: [{...}]}); ``fmt`` fills {name}/{num}."""
    if fmt:
        data = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True).format(**fmt))
    if not isinstance(data, dict) or "総合案内" not in data:
        raise BusinessError("窓口一覧には「総合案内」と「窓口」が必要です。", where=name)
    offices = [_office(o, f"{name} 窓口 {i} 件目") for i, o in enumerate(data.get("窓口") or [], 1)]
    return OfficeDirectory(_office(data["総合案内"], f"{name} 総合案内"), offices)


def load_directory(path: Path, fmt: dict[str, str] | None = None) -> OfficeDirectory:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BusinessError("窓口一覧の書き方に誤りがあります。", where=f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name) from None
    return parse_directory(data, path.name, fmt)


def demo_directory(code: str, name: str) -> OfficeDirectory:
    """The demo municipality's fictional directory (numbers in the unused 000 exchange)."""
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    hall = name + ("役場" if name.endswith(("町", "村")) else "役所")
    return parse_directory(raw, DEMO.name, {"name": name, "hall": hall, "code": code, "num": code[2:4]})

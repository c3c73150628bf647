"""FAQ data in the national open-data column style (CSV in UTF-8/CP932, or JSON).

Columns: 全国地方公共団体コード, ID, 質問, 回答, カテゴリ, 担当課, 電話番号, URL, 更新日, and the
optional 別の聞き方 (alternative phrasings, separated by line breaks or ｜). A municipality's entry
overrides the prefecture's entry with the same ID.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.core.uploads import check_upload

REQUIRED = ("ID", "質問", "回答")
COLUMNS = ("全国地方公共団体コード", "ID", "質問", "回答", "カテゴリ", "担当課", "電話番号", "URL", "更新日", "別の聞き方")
MAX_FAQ_BYTES = 20_000_000
CREDIT = "出典: 子育てオープンデータ協議会 汎用FAQ (CC BY 4.0)"
_LINE = "\x00line"


@dataclass
class FaqEntry:
    id: str
    question: str
    answer: str
    category: str = ""
    department: str = ""
    phone: str = ""
    url: str = ""
    updated: str = ""
    alternatives: list[str] = field(default_factory=list)
    municipality: str = ""

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "answer": self.answer, "category": self.category,
                "department": self.department, "phone": self.phone, "url": self.url}


def _decode(raw: bytes, name: str) -> str:
    for enc in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BusinessError("FAQファイルの文字コードを判別できません（UTF-8 か Shift_JIS で保存してください）。", where=name)


def _split_alts(value: str) -> list[str]:
    return [a.strip() for a in str(value or "").replace("｜", "\n").replace("|", "\n").splitlines() if a.strip()]


def parse_records(records: list[dict[str, Any]], name: str) -> list[FaqEntry]:
    """Validate rows (national column names, or the JSON keys id/question/answer) into entries."""
    out: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for n, rec in enumerate(records, 1):
        where = f"{name} {_position(rec, n)}"
        if not isinstance(rec, dict):
            raise BusinessError("FAQの各項目は項目名つきのデータ（{\"ID\": …, \"質問\": …}）である必要があります。", where=f"{name} {n} 件目")
        r = {str(k).strip(): ("" if v is None else v) for k, v in rec.items()}
        r.setdefault("ID", r.get("id", r.get("faq_id", "")))
        r.setdefault("質問", r.get("question", ""))
        r.setdefault("回答", r.get("answer", ""))
        r.setdefault("カテゴリ", r.get("category", r.get("category1", "")))
        missing = [c for c in REQUIRED if str(r.get(c, "")).strip() == ""]
        if missing:
            raise BusinessError(f"必須の列「{'」「'.join(missing)}」が空か、ありません。", where=where,
                                hint=f"列名は {', '.join(COLUMNS)} です。")
        fid = str(r["ID"]).strip()
        if fid in seen:
            raise BusinessError(f"ID「{fid}」が重複しています（{seen[fid]} と {_position(rec, n)}）。", where=name)
        seen[fid] = _position(rec, n)
        out.append(FaqEntry(
            id=fid, question=str(r["質問"]).strip(), answer=str(r["回答"]).strip(), category=str(r.get("カテゴリ", "")),
            department=str(r.get("担当課", "")), phone=str(r.get("電話番号", "")), url=str(r.get("URL", "")),
            updated=str(r.get("更新日", "")), alternatives=_split_alts(r.get("別の聞き方", "")),
            municipality=str(r.get("全国地方公共団体コード", "")),
        ))
    return out


def _position(rec: Any, n: int) -> str:
    """Where a record came from: its CSV line, else its entry number in a JSON list."""
    line = rec.get(_LINE) if isinstance(rec, dict) else None
    return f"{line} 行目" if line else f"{n} 件目"


def _csv_records(text: str) -> list[dict[str, Any]]:
    """CSV rows with their line numbers; wholly blank rows are skipped, not refused."""
    reader = csv.DictReader(io.StringIO(text))
    out = []
    for row in reader:
        if not any(str(v or "").strip() for k, v in row.items() if k is not None):
            continue
        row = {k: v for k, v in row.items() if k is not None}
        row[_LINE] = reader.line_num
        out.append(row)
    return out


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BusinessError(f"JSONの書き方に誤りがあります（{exc.msg}）。", where=f"{name}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        depth = max(text.count("["), text.count("{"))
        raise BusinessError(f"JSONの入れ子が深すぎます（{depth} 段以上）。FAQは [{{…}}, {{…}}] の一段の配列で書いてください。", where=f"{name}:1:1") from None


def load_faq(path: str | Path) -> list[FaqEntry]:
    """Load a CSV or JSON FAQ file with located Japanese errors."""
    p = Path(path)
    if not p.exists():
        raise BusinessError(f"FAQファイルが見つかりません: {p}")
    check_upload(p, "faq")
    text = _decode(p.read_bytes(), p.name)
    if p.suffix.lower() == ".json":
        data = _json(text, p.name)
        if not isinstance(data, list):
            raise BusinessError("JSONはFAQの配列（[...]）である必要があります。", where=p.name)
        return parse_records(data, p.name)
    rows = _csv_records(text)
    if rows and not any(c in rows[0] for c in ("ID", "id")):
        raise BusinessError(f"CSVの見出しに「ID」「質問」「回答」がありません（見出し: {', '.join(rows[0])}）。", where=p.name)
    return parse_records(rows, p.name)


def merge(prefecture: list[FaqEntry], municipality: list[FaqEntry]) -> list[FaqEntry]:
    """The municipality's entries override the prefecture's entries with the same ID."""
    own = {e.id: e for e in municipality}
    return [own.pop(e.id, e) for e in prefecture] + list(own.values())

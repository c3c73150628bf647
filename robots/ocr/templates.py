"""Form templates in YAML, so a DX leader can add a paper form without code.

Each field has a name, a zone as fractions of the PRINTED page (x, y, width, height, from the top
left, measured on the blank form) and a type that decides how it is read and checked: text, 氏名,
住所, 複数行テキスト, 数字, 日付 (和暦 too), 電話番号, 郵便番号, チェックボックス, チェック群, 金額.
Optional checks (``pattern``, ``min``/``max``, ``choices``) and reading settings (``whitelist``,
``lang``, ``threshold``, ``space``) cover the unusual field without code. ``anchor`` is the printed
title used to recognise the form (matched fuzzily: tesseract misreads rare kanji such as 罹).

``marks`` are the centres of the four registration marks on the printed page (fractions too):
each scan is mapped through the transform from its marks to these, so a box measured on the
blank form lands on the same place of every scan whatever the scanner did.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from kyodo.core.errors import BusinessError
from kyodo.core.messages import PYDANTIC_JA, japanese_message
from kyodo.core.yamlfile import load_yaml
from kyodo.robots.ocr.pages import marks_of_reference
from kyodo.robots.ocr.render import KYODO_MARKS

FieldType = Literal["text", "氏名", "住所", "複数行テキスト", "数字", "日付", "電話番号", "郵便番号",
                    "チェックボックス", "チェック群", "金額"]
TEXT_TYPES = ("text", "氏名", "住所", "複数行テキスト")
Select = Literal["1つ", "複数"]
Box = tuple[float, float, float, float]
FORMS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "forms"

# Confidence below which a field goes to a person, per type (a template may override it).
DEFAULT_THRESHOLD: dict[str, float] = {
    "text": 0.4, "氏名": 0.4, "住所": 0.4, "複数行テキスト": 0.4, "日付": 0.4, "電話番号": 0.4, "郵便番号": 0.4,
    "数字": 0.4, "金額": 0.4, "チェックボックス": 0.5, "チェック群": 0.5,
}


def _check_box(v: Box) -> Box:
    x, y, w, h = v
    if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > 1.0001 or y + h > 1.0001:
        raise ValueError(f"領域 {list(v)} が用紙の外にはみ出しています（0〜1 の範囲で指定）")
    return v


class Option(BaseModel):
    """One box of a チェック群: its printed label, where it is, and the text field it opens (その他)."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, description="選択肢の名前（一覧に書かれる値）")
    box: Box = Field(description="□ の位置 x, y, 幅, 高さ（用紙に対する割合）")
    text: str | None = Field(None, description="チェックしたときだけ必須になる記入欄（項目名）。その他（　）など")

    @field_validator("box")
    @classmethod
    def _inside(cls, v: Box) -> Box:
        return _check_box(v)


class FormField(BaseModel):
    """One field of a paper form: where it is, what it holds and how strictly it is checked."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    type: FieldType = "text"
    box: Box | None = Field(None, description="x, y, 幅, 高さ（印刷された用紙に対する割合 0〜1）。チェック群は省略可")
    required: bool = True
    options: list[Option] | None = Field(None, description="チェック群の選択肢")
    select: Select = Field("1つ", description="チェック群: 1つだけ選ぶ（1つ）か、いくつでも（複数）")
    space: str = Field("\u3000", max_length=1, description="文字の間の空白を書き出す文字（既定は全角空白、\"\" で詰める）")
    join: str = Field("", max_length=2, description="複数行テキストの行をつなぐ文字（既定はそのままつなぐ）")
    pattern: str | None = Field(None, description="正規表現（読み取り値全体が一致すること）")
    min: float | None = Field(None, description="数字・金額の下限")
    max: float | None = Field(None, description="数字・金額の上限")
    choices: list[str] | None = Field(None, description="選択肢（最も近いものに揃え、遠ければ要確認）")
    whitelist: str | None = Field(None, description="読み取る文字を限定（例: 0123456789-）")
    lang: str | None = Field(None, description="tesseract の言語（既定 jpn）")
    threshold: float | None = Field(None, ge=0, le=1, description="この確信度未満は要確認")

    @field_validator("box")
    @classmethod
    def _inside(cls, v: Box | None) -> Box | None:
        return None if v is None else _check_box(v)

    @model_validator(mode="after")
    def _group(self) -> FormField:
        if self.type == "チェック群":
            if not self.options or len(self.options) < 2:
                raise ValueError(f"チェック群「{self.name}」には options（選択肢）を2つ以上書いてください")
            labels = [o.label for o in self.options]
            if len(set(labels)) != len(labels):
                raise ValueError(f"チェック群「{self.name}」の選択肢の名前が重複しています")
            if self.box is None:
                self.box = _union([o.box for o in self.options])
        elif self.options:
            raise ValueError(f"options（選択肢）は type: チェック群 の項目にだけ書けます（「{self.name}」は {self.type}）")
        elif self.box is None:
            raise ValueError(f"「{self.name}」に box（枠の位置）がありません")
        return self

    @property
    def zone(self) -> Box:
        """The field's box (always set after validation)."""
        assert self.box is not None
        return self.box

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"正規表現「{v}」が正しくありません（{exc}）") from None
        return v

    @field_validator("whitelist")
    @classmethod
    def _no_space(cls, v: str | None) -> str | None:
        if v is not None and (not v or any(c.isspace() or c in "\"'\\" for c in v)):
            raise ValueError("whitelist に空白・引用符・\\ は使えません")
        return v

    def limit(self) -> float:
        return self.threshold if self.threshold is not None else DEFAULT_THRESHOLD[self.type]


def _union(boxes: list[Box]) -> Box:
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


class FormTemplate(BaseModel):
    """A paper form: its title, the title's printed text for recognition, and its fields."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    anchor: str = Field(min_length=1)
    anchor_box: Box = Field(
        (0.1, 0.055, 0.8, 0.05), description="表題が印刷されている領域（x, y, 幅, 高さ）")
    marks: tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]] | None = Field(
        None, description="四隅の位置合わせマークの中心（左上・右上・右下・左下、用紙に対する割合）。"
                          "省略時は reference の画像から測り、それもなければ kyodo の様式の位置")
    reference: str | None = Field(
        None, description="白紙の様式をスキャンした画像（テンプレートと同じフォルダ）。四隅マークのない様式の位置合わせに使います")
    fields: list[FormField] = Field(min_length=1)

    @field_validator("anchor_box")
    @classmethod
    def _anchor_inside(cls, v: Box) -> Box:
        return _check_box(v)

    @field_validator("marks")
    @classmethod
    def _marks_inside(cls, v: Any) -> Any:
        if v is not None and not all(0 <= x <= 1 and 0 <= y <= 1 for x, y in v):
            raise ValueError("marks の座標は 0〜1 の割合で書いてください")
        return v

    @model_validator(mode="after")
    def _unique(self) -> FormTemplate:
        names = [f.name for f in self.fields]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"項目名が重複しています: {', '.join(dup)}")
        for f in self.fields:
            for o in f.options or []:
                if o.text is not None and o.text not in names:
                    raise ValueError(f"チェック群「{f.name}」の選択肢「{o.label}」の text「{o.text}」という項目がありません")
        return self

    def mark_points(self) -> tuple[tuple[float, float], ...]:
        """The registration marks' centres as page fractions (template, else kyodo's own forms)."""
        return tuple(self.marks) if self.marks is not None else KYODO_MARKS

    def linked_text(self) -> dict[str, tuple[str, str]]:
        """Text fields opened by a group's option: {text field: (group, option label)}."""
        return {o.text: (f.name, o.label) for f in self.fields for o in f.options or [] if o.text}


def load_template(name_or_path: str | Path) -> FormTemplate:
    """A template by name (``scenarios/forms/<name>.yaml``) or path; a Japanese error if invalid."""
    p = Path(name_or_path)
    if not p.suffix:
        if not re.fullmatch(r"[\w\-]+", str(name_or_path)):
            raise BusinessError(f"テンプレート名「{name_or_path}」が正しくありません。",
                                hint="scenarios/forms にある YAML のファイル名（拡張子なし）を指定してください。")
        p = FORMS_DIR / f"{name_or_path}.yaml"
        if not p.exists():
            known = ", ".join(sorted(x.stem for x in FORMS_DIR.glob("*.yaml")))
            raise BusinessError(f"帳票テンプレート「{name_or_path}」がありません。", hint=f"使えるテンプレート: {known}")
    data = load_yaml(p)
    if not isinstance(data, dict):
        raise BusinessError("帳票テンプレートの形式が正しくありません（name, title, anchor, fields が必要です）。", where=p.name)
    try:
        t = FormTemplate.model_validate(data)
    except ValidationError as exc:
        msgs = "; ".join(_describe(e, data) for e in exc.errors())
        raise BusinessError(f"帳票テンプレートに誤りがあります: {msgs}", where=p.name,
                            hint="scenarios/forms の既存テンプレートを参考に直してください。") from None
    if t.reference:
        folder = p.resolve().parent
        ref = (folder / t.reference).resolve()
        if folder not in ref.parents or not ref.is_file():
            raise BusinessError(f"reference の画像「{t.reference}」がテンプレートと同じフォルダにありません。", where=p.name)
        t = t.model_copy(update={"reference": str(ref)})
        if t.marks is None:  # measured once on the blank form, so boxes stay fractions of the printed page
            t = t.model_copy(update={"marks": marks_of_reference(ref)})
    return t


def _describe(err: ErrorDetails, data: Any = None) -> str:
    """``fields.3番目（氏名）.box: 領域…``: position counted from 1, the field's name, Japanese text."""
    loc: list[str] = []
    node = data
    for x in err["loc"]:
        if isinstance(x, int):
            name = node[x].get("name") if isinstance(node, list) and x < len(node) and isinstance(node[x], dict) else None
            loc.append(f"{x + 1}番目" + (f"（{name}）" if isinstance(name, str) else ""))
        else:
            loc.append(str(x))
        try:
            node = node[x]
        except (KeyError, IndexError, TypeError):
            node = None
    kind = str(err.get("type", ""))
    if kind == "value_error" or kind in PYDANTIC_JA:
        msg = japanese_message(err, quote_input=True)
    else:
        msg = f"値が正しくありません（{err.get('input')!s:.40}）"
    return f"{'.'.join(loc)}: {msg}" if loc else msg


def check_anchors(templates: list[FormTemplate]) -> None:
    """Two templates with the same printed title would both claim a page: refuse, saying which."""
    seen: dict[str, str] = {}
    for t in templates:
        key = re.sub(r"\s+", "", t.anchor)
        if key in seen and seen[key] != t.name:
            raise BusinessError(f"表題（anchor）「{t.anchor}」がテンプレート「{seen[key]}」と「{t.name}」で同じです。"
                                "どちらの様式か判別できません。", where=t.name,
                                hint="片方の anchor を、その様式だけに印刷されている文字に直すか、片方を外してください。")
        seen.setdefault(key, t.name)


def all_templates() -> list[FormTemplate]:
    """Every template shipped in scenarios/forms (the sample renderer and benchmark use them)."""
    out = [load_template(p) for p in sorted(FORMS_DIR.glob("*.yaml"))]
    check_anchors(out)
    return out

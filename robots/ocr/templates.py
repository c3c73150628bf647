"""Form templates in YAML, so a DX leader can add a paper form without code.

Each field has a name, a zone as fractions of the page (x, y, width, height, from the top left)
and a type that decides how it is read and checked: text, 数字, 日付 (和暦 too), 電話番号,
郵便番号, チェックボックス, 金額. Optional checks (``pattern``, ``min``/``max``, ``choices``)
and reading settings (``whitelist``, ``lang``, ``threshold``) cover the unusual field without
code. ``anchor`` is the printed title used to recognise the form (matched fuzzily: tesseract
misreads rare kanji such as 罹).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from robots.errors import BusinessError

FieldType = Literal["text", "数字", "日付", "電話番号", "郵便番号", "チェックボックス", "金額"]
FORMS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "forms"

# Confidence below which a field goes to a person, per type (a template may override it).
DEFAULT_THRESHOLD: dict[str, float] = {
    "text": 0.4, "日付": 0.4, "電話番号": 0.4, "郵便番号": 0.4, "数字": 0.4, "金額": 0.4, "チェックボックス": 0.5,
}


class FormField(BaseModel):
    """One field of a paper form: where it is, what it holds and how strictly it is checked."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    type: FieldType = "text"
    box: tuple[float, float, float, float] = Field(description="x, y, 幅, 高さ（用紙に対する割合 0〜1）")
    required: bool = True
    pattern: str | None = Field(None, description="正規表現（読み取り値全体が一致すること）")
    min: float | None = Field(None, description="数字・金額の下限")
    max: float | None = Field(None, description="数字・金額の上限")
    choices: list[str] | None = Field(None, description="選択肢（最も近いものに揃え、遠ければ要確認）")
    whitelist: str | None = Field(None, description="読み取る文字を限定（例: 0123456789-）")
    lang: str | None = Field(None, description="tesseract の言語（既定 jpn）")
    threshold: float | None = Field(None, ge=0, le=1, description="この確信度未満は要確認")

    @field_validator("box")
    @classmethod
    def _inside(cls, v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x, y, w, h = v
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > 1.0001 or y + h > 1.0001:
            raise ValueError(f"領域 {list(v)} が用紙の外にはみ出しています（0〜1 の範囲で指定）")
        return v

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


class FormTemplate(BaseModel):
    """A paper form: its title, the title's printed text for recognition, and its fields."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    anchor: str = Field(min_length=1)
    anchor_box: tuple[float, float, float, float] = Field(
        (0.1, 0.055, 0.8, 0.05), description="表題が印刷されている領域（x, y, 幅, 高さ）")
    reference: str | None = Field(
        None, description="白紙の様式をスキャンした画像（テンプレートと同じフォルダ）。四隅マークのない様式の位置合わせに使います")
    fields: list[FormField] = Field(min_length=1)

    @field_validator("anchor_box")
    @classmethod
    def _anchor_inside(cls, v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return FormField._inside(v)  # type: ignore[operator]

    @model_validator(mode="after")
    def _unique(self) -> "FormTemplate":
        names = [f.name for f in self.fields]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"項目名が重複しています: {', '.join(dup)}")
        return self


def load_template(name_or_path: str | Path) -> FormTemplate:
    """A template by name (``scenarios/forms/<name>.yaml``) or path; a Japanese error if invalid."""
    from runner.yamlfile import load_yaml

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
        msgs = "; ".join(_describe(e) for e in exc.errors())
        raise BusinessError(f"帳票テンプレートに誤りがあります: {msgs}", where=p.name,
                            hint="scenarios/forms の既存テンプレートを参考に直してください。") from None
    if t.reference:
        folder = p.resolve().parent
        ref = (folder / t.reference).resolve()
        if folder not in ref.parents or not ref.is_file():
            raise BusinessError(f"reference の画像「{t.reference}」がテンプレートと同じフォルダにありません。", where=p.name)
        t = t.model_copy(update={"reference": str(ref)})
    return t


def _describe(err: dict) -> str:
    """``fields.3.box: 領域…`` with the field's position counted from 1, as a person counts."""
    loc = [str(int(x) + 1) + "番目" if isinstance(x, int) else str(x) for x in err["loc"]]
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{'.'.join(loc)}: {msg}" if loc else msg


def all_templates() -> list[FormTemplate]:
    """Every template shipped in scenarios/forms (the sample renderer and benchmark use them)."""
    return [load_template(p) for p in sorted(FORMS_DIR.glob("*.yaml"))]

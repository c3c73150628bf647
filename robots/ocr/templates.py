"""Form templates in YAML, so a DX leader can add a paper form without code.

Each field has a name, a zone as fractions of the page (x, y, width, height, from the top left),
and a type that decides how it is read and checked: text, 数字, 日付 (和暦 too), 電話番号,
郵便番号, チェックボックス, 金額. ``anchor`` is the printed title used to recognise the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from robots.errors import BusinessError

FieldType = Literal["text", "数字", "日付", "電話番号", "郵便番号", "チェックボックス", "金額"]
FORMS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "forms"


class FormField(BaseModel):
    name: str
    type: FieldType = "text"
    box: tuple[float, float, float, float] = Field(description="x, y, 幅, 高さ（用紙に対する割合 0〜1）")
    required: bool = True

    @field_validator("box")
    @classmethod
    def _inside(cls, v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x, y, w, h = v
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > 1.0001 or y + h > 1.0001:
            raise ValueError(f"領域 {list(v)} が用紙の外にはみ出しています（0〜1 の範囲で指定）")
        return v


class FormTemplate(BaseModel):
    name: str
    title: str
    anchor: str
    fields: list[FormField] = Field(min_length=1)


def load_template(name_or_path: str | Path) -> FormTemplate:
    from runner.yamlfile import load_yaml

    p = Path(name_or_path)
    if not p.suffix:
        p = FORMS_DIR / f"{name_or_path}.yaml"
    try:
        return FormTemplate.model_validate(load_yaml(p))
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BusinessError(f"帳票テンプレートに誤りがあります: {msgs}", where=str(p)) from None


def all_templates() -> list[FormTemplate]:
    return [load_template(p) for p in sorted(FORMS_DIR.glob("*.yaml"))]

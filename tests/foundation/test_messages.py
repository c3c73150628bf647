"""pydantic's errors in Japanese: one table for scenarios, the registry, profiles, form templates and action arguments."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from kyodo.core.messages import japanese_message


class _Form(BaseModel):
    mode: Literal["button", "form", "list"]
    pages: int
    marks: list[int] = Field(min_length=4)


def _errors(**data):
    with pytest.raises(ValidationError) as info:
        _Form.model_validate(data)
    return {e["loc"][0]: e for e in info.value.errors()}


def test_each_kind_is_said_in_japanese_with_its_limits():
    errs = _errors(mode="csv", pages="たくさん", marks=[1])
    assert japanese_message(errs["mode"]) == "使える値は button / form / list です"
    assert japanese_message(errs["pages"]) == "整数で書いてください"
    assert japanese_message(errs["marks"]) == "4つ以上必要です"
    assert japanese_message(_errors(pages=1, marks=[1, 2, 3, 4])["mode"]) == "必須の項目がありません"


def test_the_written_value_is_quoted_only_on_request_and_shortened():
    errs = _errors(mode="x" * 100, pages="三", marks=[1, 2, 3, 4])
    assert japanese_message(errs["pages"], quote_input=True) == "整数で書いてください（「三」）"
    assert japanese_message(errs["mode"], quote_input=True).endswith("（「" + "x" * 40 + "」）")
    assert "「" not in japanese_message(errs["mode"])


def test_an_unknown_kind_keeps_pydantics_text():
    assert japanese_message({"type": "some_new_kind", "msg": "Input is odd"}) == "Input is odd"


def test_kyodos_own_validator_messages_lose_pydantics_english_prefix():
    err = {"type": "value_error", "msg": "Value error, by: url_param のときは param を書いてください", "input": {}}
    assert japanese_message(err) == "by: url_param のときは param を書いてください"
    assert japanese_message(err, quote_input=True) == "by: url_param のときは param を書いてください"

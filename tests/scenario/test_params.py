"""Parameter values: kyodo.runner.scenario.params.coerce_param is the one judge, and the validator asks it."""

from datetime import date

import pytest

from kyodo.core.errors import BusinessError
from kyodo.runner.scenario.params import coerce_param
from kyodo.runner.scenario.validate import _fits, validate_text


@pytest.mark.parametrize("typ, value, expected", [
    ("int", 3, 3), ("int", "2024", 2024), ("int", 2.0, 2), ("float", "1.5", 1.5), ("bool", "はい", True),
    ("bool", "off", False), ("bool", True, True), ("date", "2024-04-01", date(2024, 4, 1)), ("list", [1], [1]),
    ("dict", {"a": 1}, {"a": 1}), ("str", 12, "12"), ("path", "a/b.csv", "a/b.csv"),
])
def test_values_that_fit(typ, value, expected):
    assert coerce_param("p", typ, value) == expected and _fits(typ, value)


@pytest.mark.parametrize("typ, value", [
    ("int", 1.5), ("int", True), ("int", "1.5"), ("int", float("inf")), ("int", [1]), ("float", "abc"),
    ("bool", "maybe"), ("bool", 2), ("date", "2024-13-01"), ("list", "a, b"), ("dict", ["a"]), ("dict", "a: 1"),
])
def test_values_that_do_not_fit_are_refused_by_both(typ, value):
    with pytest.raises(BusinessError, match=f"{typ} 型として読めません"):
        coerce_param("p", typ, value)
    assert not _fits(typ, value)


def test_validator_reports_a_fractional_int_default():
    text = "name: t\ntitle: t\nparams:\n  n: {type: int, default: 1.5}\nsteps:\n  - action: flow.log\n    with: {message: x}\n"
    scenario, problems = validate_text(text, "t.yaml")
    assert scenario is None and any(p.line == 4 and "int 型として読めません" in p.message for p in problems)

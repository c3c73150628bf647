"""Every corpus file meets its expected outcome: refused naming the place, or read with exact values."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kyodo.core.errors import BusinessError
from tests.hostile.corpus import CSV_CASES, XLSX_CASES, YAML_CASES, Accepted, Case, Refused


def _read_csv(path: Path, case: Case) -> tuple[list[str], list[list[Any]]]:
    from kyodo.robots.excel.csvread import read_csv_file

    df = read_csv_file(path, **case.options)
    return list(df.columns), df.values.tolist()


def _read_xlsx(path: Path, case: Case) -> tuple[list[str], list[list[Any]]]:
    from kyodo.robots.workbook.ledger import LedgerSpec, read_ledger

    df = read_ledger(path, LedgerSpec(**case.options))
    return list(df.columns), [[v.isoformat() if isinstance(v, date) else v for v in row] for row in df.values.tolist()]


def _read_yaml(path: Path, case: Case) -> tuple[list[str], list[list[Any]]]:
    from kyodo.core.yamlfile import load_yaml

    data = load_yaml(path)
    return list(data), [list(data.values())]


def _check(case: Case, tmp_path: Path, reader) -> None:
    path = tmp_path / case.name
    case.make(path)
    if isinstance(case.expect, Refused):
        with pytest.raises(BusinessError) as info:
            reader(path, case)
        err = info.value
        assert case.expect.where in (err.where or ""), f"where={err.where!r}: {err}"
        assert re.search(case.expect.match, str(err)), str(err)
        assert "Traceback" not in str(err) and "\x00" not in str(err)
    else:
        assert isinstance(case.expect, Accepted)
        columns, rows = reader(path, case)
        assert columns == case.expect.columns
        assert rows == case.expect.rows


@pytest.mark.parametrize("case", CSV_CASES, ids=lambda c: c.name)
def test_csv(case: Case, tmp_path: Path) -> None:
    _check(case, tmp_path, _read_csv)


@pytest.mark.parametrize("case", XLSX_CASES, ids=lambda c: c.name)
def test_xlsx(case: Case, tmp_path: Path) -> None:
    _check(case, tmp_path, _read_xlsx)


@pytest.mark.parametrize("case", YAML_CASES, ids=lambda c: c.name)
def test_yaml(case: Case, tmp_path: Path) -> None:
    _check(case, tmp_path, _read_yaml)

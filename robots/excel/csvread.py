"""Reading CSV exports from Japanese systems: CP932 or UTF-8 (with BOM), CRLF, quoted line breaks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from kyodo.core.errors import BusinessError
from kyodo.robots.excel._csvcheck import decode, load_text
from kyodo.robots.normalize.columns import ReadOptions, apply_read_options


def detect_encoding(raw: bytes, name: str = "CSV") -> str:
    """The encoding the loader policy reads ``raw`` with (BOM, UTF-16, UTF-8, else CP932); errors name ``name`` and the line."""
    return decode(raw, name)[1]


def read_csv_file(
    path: Path,
    *,
    encoding: str = "auto",
    required_columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
) -> Any:
    """Read ``path`` into a DataFrame of text columns, with headers normalised and renamed.

    Headers, ``rename`` and ``required_columns`` go through :func:`~kyodo.robots.normalize.normalize_header`,
    the rule Excel ledgers use too (NFKC, no spaces inside: ``期　別`` is ``期別``).
    """
    if not path.exists():
        raise BusinessError(f"ファイルが見つかりません: {path.name}", where=str(path))
    checked = load_text(path.read_bytes(), path.name, encoding)  # the loader policy: located refusals
    try:
        df = pd.read_csv(io.StringIO(checked.text), sep=checked.delimiter, dtype=str, keep_default_na=False,
                         skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise BusinessError(f"CSVの形式が壊れています: {exc}", where=path.name) from None
    except pd.errors.EmptyDataError:
        raise BusinessError("CSVが空です。", where=path.name) from None
    df = apply_read_options(df, ReadOptions.of(rename=rename, required_columns=required_columns), where=path.name)
    return df

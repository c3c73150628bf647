"""Reading CSV exports from Japanese systems: CP932 or UTF-8 (with BOM), CRLF, quoted line breaks."""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.normalize.text import normalize_header

ENCODINGS = ("utf-8-sig", "cp932")


def detect_encoding(raw: bytes) -> str:
    """``utf-8-sig`` when the bytes decode as UTF-8 (BOM or not), else ``cp932`` (Shift_JIS superset)."""
    for enc in ENCODINGS:
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise BusinessError("CSVの文字コードを判別できません（UTF-8 でも Shift_JIS でもありません）。",
                        hint="元のシステムから UTF-8 か Shift_JIS で出力し直してください。")


def read_csv_file(
    path: Path,
    *,
    encoding: str = "auto",
    required_columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
) -> Any:
    """Read ``path`` into a DataFrame of text columns, with headers normalised and renamed.

    Headers, ``rename`` and ``required_columns`` go through :func:`~robots.normalize.normalize_header`,
    the rule Excel ledgers use too (NFKC, no spaces inside: ``期　別`` is ``期別``).
    """
    import pandas as pd

    if not path.exists():
        raise BusinessError(f"ファイルが見つかりません: {path.name}", where=str(path))
    raw = path.read_bytes()
    enc = detect_encoding(raw) if encoding == "auto" else encoding
    try:
        text = raw.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise BusinessError(f"CSVを {enc} として読めません。", where=path.name, hint="encoding: auto を指定してください。") from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise BusinessError(f"CSVの形式が壊れています: {exc}", where=path.name) from None
    except pd.errors.EmptyDataError:
        raise BusinessError("CSVが空です。", where=path.name) from None
    df.columns = [normalize_header(c) for c in df.columns]
    mapping = {normalize_header(k): normalize_header(v) for k, v in (rename or {}).items()}
    if mapping:
        df = df.rename(columns=mapping)
    missing = [c for c in (required_columns or []) if normalize_header(c) not in df.columns]
    if missing:
        hints = []
        for c in missing:
            close = difflib.get_close_matches(normalize_header(c), list(df.columns), n=1, cutoff=0.4)
            hints.append(f"「{c}」→ CSVの「{close[0]}」を対応付けてください（rename）" if close else f"「{c}」")
        raise BusinessError(
            f"CSVに必要な列「{'」「'.join(missing)}」がありません。",
            where=path.name,
            hint="自治体設定の列名対応（column_map）を確認してください: " + "、".join(hints),
        )
    return df

"""Reading a ledger exported by a business system into a clean DataFrame.

Real exports have title rows above the header, group headings merged over several columns,
header cells merged over two rows, a 合計 row at the bottom, 和暦 dates, full-width digits and
amounts written as ``1,234円``. The header row is found by looking for the required column
names (after NFKC), merged cells are resolved, and every value problem is reported with the
file, the Excel row number and the column — before any output is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robots.errors import BusinessError
from robots.normalize import normalize_frame, normalize_header, normalize_text


@dataclass
class LedgerSpec:
    """What to expect in the ledger; all names are the ledger's own column names (after ``rename``)."""

    required_columns: list[str]
    sheet: str | int = 0
    rename: dict[str, str] = field(default_factory=dict)
    date_columns: list[str] = field(default_factory=list)
    amount_columns: list[str] = field(default_factory=list)
    key_widths: dict[str, int] = field(default_factory=dict)
    personal_columns: list[str] = field(default_factory=list)  # registered for masking before any value is quoted
    stop_words: tuple[str, ...] = ("合計", "総計", "計")
    header_search_rows: int = 30


def find_header(rows: list[list[Any]], want: list[str], rename: dict[str, str], limit: int) -> tuple[int, list[str]]:
    """0-based index of the header row and its column names, or a located error naming what is missing."""
    mapping = {normalize_header(k): normalize_header(v) for k, v in rename.items()}
    best, best_hits, best_names = -1, 0, []
    for i, row in enumerate(rows[:limit]):
        names = [mapping.get(normalize_header(c), normalize_header(c)) for c in row]
        hits = sum(1 for c in want if c in names)
        if hits > best_hits:
            best, best_hits, best_names = i, hits, names
    if best < 0 or best_hits < len(want):
        missing = [c for c in want if c not in best_names]
        found = "、".join(n for n in best_names if n) or "なし"
        raise BusinessError(f"見出し行に必要な列「{'」「'.join(missing)}」が見つかりません。",
                            where=f"{best + 1} 行目（見出し）" if best >= 0 else f"先頭 {limit} 行",
                            hint=f"見出しの列: {found}。列名が違うときは rename で対応を指定してください（例: {{期: 期別}}）。")
    seen: dict[str, int] = {}
    names = []
    for j, n in enumerate(best_names):
        n = n or f"列{j + 1}"
        seen[n] = seen.get(n, 0) + 1
        names.append(n if seen[n] == 1 else f"{n}_{seen[n]}")  # merged headers repeat a name
    return best, names


def read_ledger(path: Path, spec: LedgerSpec) -> Any:
    """The ledger as a DataFrame indexed by Excel row number, normalised and checked.

    Text is NFKC-normalised (full-width digits, half-width kana), ``date_columns`` become
    ``date``, ``amount_columns`` ``Int64`` yen, ``key_widths`` columns zero-padded digit strings.
    Raises :class:`BusinessError` with ``where = "<file> <row> 行目"`` on the first bad value.
    """
    import pandas as pd

    from robots.privacy import register_personal_columns
    from robots.workbook.values import read_values

    rows = read_values(path, spec.sheet, fill_merged=True)
    want = [normalize_header(c) for c in spec.required_columns]
    dates, amounts = [normalize_header(c) for c in spec.date_columns], [normalize_header(c) for c in spec.amount_columns]
    widths = {normalize_header(c): w for c, w in spec.key_widths.items()}
    try:
        h, header = find_header(rows, want, spec.rename, spec.header_search_rows)
    except BusinessError as exc:
        raise exc.located(path.name) from None
    body, index = [], []
    width = len(header)
    mapping = {normalize_header(k): normalize_header(v) for k, v in spec.rename.items()}
    start = h + 1
    while start < len(rows) and _continues_header(rows[start], header, mapping):
        start += 1  # the lower half of header cells merged over two rows
    for i in range(start, len(rows)):
        r = (rows[i] + [""] * width)[:width]
        if all(v in (None, "") for v in r):
            continue
        first = next((normalize_text(v) for v in r if v not in (None, "")), "")
        if first.replace(" ", "") in spec.stop_words:
            break  # the 合計 row ends the table
        body.append([_int_if_whole(v) for v in r])
        index.append(i + 1)
    df = pd.DataFrame(body, columns=header, index=pd.Index(index, name="行"), dtype=object)
    where = path.name
    register_personal_columns(df, spec.personal_columns)
    for col in [*dates, *amounts, *widths]:
        if col not in df.columns:
            raise BusinessError(f"列「{col}」が台帳にありません。", where=where, hint=f"台帳の列: {', '.join(header)}")
    df = normalize_frame(df, date_columns=dates, amount_columns=amounts, where=where, row_offset=0)
    for col in want:
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if blank.any():
            raise BusinessError(f"必須の列「{col}」が空です。", where=f"{where} {int(df.index[blank.to_numpy()][0])} 行目",
                                hint="元のシステムの出力を確認するか、その行を削除してください。")
    for col, w in widths.items():
        s = df[col].astype(str)
        bad = ~s.str.fullmatch(r"\d+") | (s.str.len() > w)
        if bad.any():
            raise BusinessError(f"列「{col}」は {w} 桁以内の数字でなければなりません。",
                                where=f"{where} {int(df.index[bad.to_numpy()][0])} 行目",
                                hint="全角・半角は自動でそろえます。文字や記号が入っていないか確認してください。")
        df[col] = s.str.zfill(w)
    return df


def _continues_header(row: list[Any], header: list[str], mapping: dict[str, str]) -> bool:
    """True when every filled cell repeats the header name above it (a header merged over two rows)."""
    filled = [(j, mapping.get(normalize_header(v), normalize_header(v)))
              for j, v in enumerate(row[: len(header)]) if v not in (None, "")]
    return bool(filled) and all(header[j].split("_")[0] == n for j, n in filled)


def _int_if_whole(v: Any) -> Any:
    """Excel stores every number as a float: 2026.0 is the year 2026, not the text "2026.0"."""
    return int(v) if isinstance(v, float) and v.is_integer() else v

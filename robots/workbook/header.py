"""Finding the header of a sheet exported by a business system: title rows, multi-row headers, merges.

Reusable by any reader of "human" spreadsheets (ledgers, uploaded lists, hostile files):

>>> rows, merged = read_sheet(path)                     # kyodo.robots.workbook.values
>>> block = find_header_block(rows, ["宛名番号", "均等割"], merged=merged)
>>> block.names        # one name per column, e.g. ["宛名番号", "法人名", "調定額/均等割", "調定額/法人税割"]
>>> rows[block.body_start]                               # the first data row

How a header block is read:

- Each column's name is the *path* of the distinct texts in the block's rows, top to bottom,
  joined by ``/``: a heading ``調定額`` merged over two columns with ``均等割`` and ``法人税割``
  under it gives ``調定額/均等割`` and ``調定額/法人税割``; a cell merged over both rows gives
  its plain name (``宛名番号``). Names are compared after :func:`normalize_header` (全角/半角,
  spaces and line breaks ignored).
- ``aliases`` (the user's column map) may name a column by its full path or by its last part.
  A wanted name also matches a column whose last part is that name when no other column
  ends the same way (``均等割`` finds ``調定額/均等割``).
- The block chosen is the *smallest* one, nearest the top, that contains the most wanted
  names, so title rows above it ("令和6年度 法人市民税 調定一覧", "出力日 …") are never part of it;
  it grows upward only where a header cell merged over several rows starts higher.
- Rows just below that only continue the header (the lower half of cells merged over two
  rows, or repeating the names) are skipped: ``body_start`` is the first data row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kyodo.core.errors import BusinessError
from kyodo.robots.normalize import normalize_header

Merged = tuple[tuple[int, int], tuple[int, int]]
SEP = "/"


@dataclass
class HeaderBlock:
    """Where the header is (0-based row indices) and what each column is called."""

    top: int
    bottom: int  # last header row, inclusive (continuation rows included)
    names: list[str]  # resolved names (aliases applied), unique
    paths: list[str]  # the sheet's own names before aliases, e.g. "調定額/均等割"

    @property
    def body_start(self) -> int:
        return self.bottom + 1

    def excel_rows(self) -> str:
        """``"4〜5 行目"`` for messages."""
        return f"{self.top + 1} 行目" if self.top == self.bottom else f"{self.top + 1}〜{self.bottom + 1} 行目"


def flatten_header(rows: list[list[Any]], top: int, bottom: int, width: int) -> list[str]:
    """One path per column: distinct normalised texts of rows ``top..bottom`` joined by ``/``."""
    out = []
    for j in range(width):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            row = rows[r] if r < len(rows) else []
            text = normalize_header(row[j]) if j < len(row) and row[j] not in (None, "") else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        out.append(SEP.join(parts))
    return out


def resolve_names(paths: list[str], wanted: list[str], aliases: dict[str, str]) -> list[str]:
    """Each path's name: an alias (by full path, then last part), a wanted name, or the path itself; unique."""
    leaves = [p.rsplit(SEP, 1)[-1] for p in paths]
    counts: dict[str, int] = {}
    for leaf in leaves:
        counts[leaf] = counts.get(leaf, 0) + 1
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, (path, leaf) in enumerate(zip(paths, leaves)):
        if path in aliases:
            name = aliases[path]
        elif leaf in aliases and counts[leaf] == 1:
            name = aliases[leaf]
        elif leaf in wanted and counts[leaf] == 1 and path not in wanted:
            name = leaf
        else:
            name = path or f"列{j + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")  # repeated names stay apart
    return names


def _continues(row: list[Any], paths: list[str]) -> bool:
    """True when every filled cell repeats a part of the header path above it."""
    filled = [(j, normalize_header(v)) for j, v in enumerate(row[: len(paths)]) if v not in (None, "")]
    return bool(filled) and all(n in paths[j].split(SEP) for j, n in filled)


def find_header_block(
    rows: list[list[Any]],
    wanted: list[str],
    *,
    aliases: dict[str, str] | None = None,
    merged: list[Merged] | None = None,
    search_rows: int = 30,
    max_rows: int = 3,
    header_rows: int | None = None,
    header_row: int | None = None,
) -> HeaderBlock:
    """The header block holding the ``wanted`` names (after ``aliases``), or a Japanese error saying what is missing.

    ``rows`` are a sheet's values with merged cells filled (``read_sheet``); ``merged`` its
    merged ranges (0-based, inclusive), used to skip the lower halves of tall header cells.
    ``header_rows`` fixes the block's height and ``header_row`` its first Excel row (1-based)
    when automatic detection is not wanted.
    """
    alias = {normalize_header(k): normalize_header(v) for k, v in (aliases or {}).items()}
    want = [normalize_header(w) for w in wanted]
    width = max((len(r) for r in rows[: search_rows + max_rows]), default=0)
    tops = [header_row - 1] if header_row else range(min(search_rows, len(rows)))
    heights = [header_rows] if header_rows else range(1, max_rows + 1)
    best: tuple[int, int, int] | None = None  # (hits, top, height)
    for k in heights:
        for i in tops:
            if i + k > len(rows):
                continue
            names = resolve_names(flatten_header(rows, i, i + k - 1, width), want, alias)
            hits = sum(1 for w in want if w in names)
            if best is None or hits > best[0]:
                best = (hits, i, k)
    if best is None:
        raise BusinessError("見出しの行が見つかりません（シートが空です）。", hint="台帳のシート名・出力内容を確認してください。")
    _hits, top, k = best
    bottom = top + k - 1
    for (r1, _c1), (r2, _c2) in merged or []:
        if not header_row and r1 < top <= r2 and top - r1 < max_rows:
            top = r1  # a tall header cell starts above: its row carries the upper names (調定額 over 均等割)
        if top <= r1 <= bottom and r2 > bottom and r2 - r1 < max_rows + 1:
            bottom = r2  # a header cell merged down over more rows
    if not header_rows and bottom - top + 1 < max_rows and _sub_headings(rows, merged or [], bottom):
        bottom += 1  # 住所 merged over two columns, 市区町村 | 番地 below it: that row is header, not data
    while bottom + 1 < len(rows) and _continues(rows[bottom + 1], flatten_header(rows, top, bottom, width)):
        bottom += 1
    # Names come from the whole block: a heading merged over 均等割 and 法人税割 must not pass for 調定額.
    paths = flatten_header(rows, top, bottom, width)
    names = resolve_names(paths, want, alias)
    missing = [w for w in want if w not in names]
    if missing:
        found = "、".join(p for p in paths if p) or "なし"
        groups = {w: [p.split(SEP, 1)[1] for p in paths if p.startswith(w + SEP)] for w in missing}
        upper = "".join(f"「{w}」は見出しの上の段で、下の段は {'・'.join(sub)} です（金額の内訳なら amount_parts: "
                        f"{{{w}: [{', '.join(sub)}]}}）。" for w, sub in groups.items() if sub)
        raise BusinessError(f"見出しに必要な列「{'」「'.join(missing)}」が見つかりません。{upper}",
                            where=f"{top + 1}〜{bottom + 1} 行目（見出し）" if bottom > top else f"{top + 1} 行目（見出し）",
                            hint=f"見出しの列: {found}。列名が違うときは column_map で対応を指定してください"
                                 f"（例: {{あて名番号: 宛名番号}}、2行の見出しは {{調定額/均等割: 均等割}}）。")
    return HeaderBlock(top=top, bottom=bottom, names=names, paths=paths)


def _sub_headings(rows: list[list[Any]], merged: list[Merged], bottom: int) -> bool:
    """True when the row below the header holds the sub-headings of a heading merged across columns.

    That row has a distinct text under every column of such a heading and nothing under the other
    header cells (a data row would fill those too: 姓 | 名 values under a merged 氏名 are data).
    """
    if bottom + 1 >= len(rows):
        return False
    below = rows[bottom + 1]
    spans = [(c1, c2) for (r1, c1), (r2, c2) in merged if r1 == r2 == bottom and c2 > c1]
    if not spans:
        return False
    inside = {c for c1, c2 in spans for c in range(c1, c2 + 1)}
    texts = [[normalize_header(below[c]) if c < len(below) else "" for c in range(c1, c2 + 1)] for c1, c2 in spans]
    outside_empty = all(v in (None, "") for c, v in enumerate(below) if c not in inside)
    return outside_empty and all(all(t) and len(set(t)) == len(t) for t in texts)

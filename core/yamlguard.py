"""Hostile-structure checks for YAML, run on the text and the parser's events before anything is built.

PyYAML's safe loader refuses tags that run code, but still builds what a small file asks for:
nine nested aliases ("billion laughs") expand to hundreds of millions of nodes when anything
walks the result (positions, pydantic, JSON), a recursive alias (``&a [*a]``) makes a list that
contains itself, a NUL byte is reported by byte offset, and an unquoted ``011002`` silently
becomes the octal number 4610. The event stream is linear in the text, so these checks cost
one pass and never expand anything.
"""

from __future__ import annotations

import re

import yaml
from yaml.resolver import Resolver

MAX_ALIAS_NODES = 100_000  # nodes that aliases may add in total (a real file reuses a few blocks)
MAX_DEPTH = 64  # nested mappings/lists (a scenario needs about 8)
# Characters YAML itself refuses (PyYAML's reader): reported by line and column instead of byte offset.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+(\.[0-9_]*)?([eE][-+]?[0-9]+)?")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")  # YAML 1.1: 10:30 is the number 630
_RESOLVER = Resolver()

Located = tuple[int, int, str]


def guard_problems(text: str) -> list[Located]:
    """(line, column, Japanese message) for every hostile construct; empty when the text is safe to load.

    Raises :class:`yaml.MarkedYAMLError` for a syntax error (the caller explains those).
    """
    if m := _NOT_PRINTABLE.search(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        what = "NUL文字（0x00）" if m.group() == "\x00" else f"使えない制御文字（U+{ord(m.group()):04X}）"
        return [(line, col, f"{line} 行目 {col} 文字目に{what}があります。ファイルが壊れていないか確認し、"
                            "その文字を削除して保存し直してください。")]
    return _event_problems(text)


def _here(ev: yaml.Event) -> tuple[int, int]:
    mark = ev.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _event_problems(text: str) -> list[Located]:  # one tight loop: it sees every event of a 2 MB registry
    problems: list[Located] = []
    sizes: dict[str, int] = {}  # anchor → nodes it stands for (once its node is complete)
    open_: list[tuple[str | None, int]] = []  # open collections: (anchor, node count at its start)
    count = added = 0
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    starts, ends = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    for ev in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        t = type(ev)
        if t is scalar:
            count += 1
            if ev.anchor:
                sizes[ev.anchor] = 1
            v = ev.value
            if not ev.style and ev.implicit[0] and v[:1] in "0123456789+-" and (problem := _silent_number(v)):
                problems.append((*_here(ev), problem))
        elif t in starts:
            count += 1
            open_.append((ev.anchor, count))
            if len(open_) > MAX_DEPTH:
                return [(*_here(ev), f"入れ子（字下げや [ ] {{ }}）が深すぎます（{MAX_DEPTH} 段まで）。"
                                     "ファイルが壊れていないか確認してください。")]
        elif t in ends:
            anchor, start = open_.pop()
            if anchor:
                sizes[anchor] = count - start + 1
        elif t is alias:
            name = ev.anchor
            if any(a == name for a, _ in open_):
                return [(*_here(ev), f"別名「*{name}」が、自分を含む「&{name}」の中で使われています（循環する別名）。"
                                     "YAMLの別名（*）は、定義（&）が閉じた後の場所で使ってください。")]
            n = sizes.get(name, 1)
            added, count = added + n, count + n
            if added > MAX_ALIAS_NODES:
                return [(*_here(ev), f"別名「*{name}」の展開が大きすぎます（別名による要素が {MAX_ALIAS_NODES:,} 個を超えました）。"
                                     "別名（*）を入れ子にして何度も使い回していないか確認してください。")]
    return problems


def _silent_number(v: str) -> str | None:
    """Why an unquoted ``v`` would silently become another number (octal ``011002``, sexagesimal ``10:30``)."""
    if _RESOLVER.resolve(yaml.ScalarNode, v, (True, False)) == "tag:yaml.org,2002:str":
        return None
    if _LEADING_ZERO.fullmatch(v):
        return (f"「{v}」は先頭が 0 の数字なので、そのままでは別の数（8進数など）になります。"
                f"コード（団体コード・宛名番号など）なら \"{v}\" と引用符で囲み、数値なら先頭の 0 を取ってください。")
    if _SEXAGESIMAL.fullmatch(v):
        return (f"「{v}」は「:」を含む数字なので、そのままでは60進数の数（10:30 なら 630）になります。"
                f"時刻やコードなら \"{v}\" と引用符で囲んでください。")
    return None

"""Safe YAML loading with Japanese, located errors (never a traceback for a typo).

Every YAML file kyodo reads (scenarios, the registry, municipality files, form templates) goes
through here, so a tab, a missing ``:`` or an unclosed quote is explained the same way
everywhere: ``file:line:column`` and what to fix, in Japanese.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kyodo.core.errors import BusinessError
from kyodo.core.yamlguard import guard_problems

MAX_YAML_BYTES = 2_000_000
# libyaml's C parser when present (10x faster on a 1,741-municipality registry); both are safe loaders.
FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem; ``str()`` is ``file:line:column: message`` (what editors link to)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class YamlProblems(BusinessError):
    """A YAML file that cannot be read or parsed; ``problems`` are every located reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        first = self.problems[0]
        if len(self.problems) == 1:
            super().__init__(first.message, where=f"{first.file}:{first.line}:{first.column}")
        else:
            super().__init__(f"YAMLの書き方に誤りが {len(self.problems)} 件あります:\n"
                             + "\n".join(f"  - {p}" for p in self.problems), where=first.file)


def read_yaml_text(path: str | Path) -> str:
    """The text of a YAML file (UTF-8, BOM allowed); raises :class:`YamlProblems` if missing, too big or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise YamlProblems([Problem(str(path), 1, 1, "ファイルが見つかりません。パスを確認してください。")])
    if path.stat().st_size > MAX_YAML_BYTES:
        raise YamlProblems([Problem(str(path), 1, 1, "YAMLファイルが大きすぎます（2MBまで）。")])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblems([Problem(str(path), line, 1, "文字コードが UTF-8 ではありません（Shift_JIS で保存されていませんか?）。"
                                                        "エディタで「UTF-8」を選んで保存し直してください。")]) from None


def load_yaml(path: str | Path, *, expand: bool = False) -> Any:
    """Read ``path`` with the safe loader; every problem is a located Japanese :class:`YamlProblems`."""
    text = read_yaml_text(path)
    return parse_yaml(expand_env(text) if expand else text, str(path))


_ENV = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(text: str) -> str:
    """Replace ``${env:NAME}`` / ``${env:NAME:-default}`` (used for URLs and folders, never secrets)."""
    return _ENV.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), text)


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML text safely; tabs and syntax errors raise one :class:`YamlProblems`."""
    data, problems = parse_yaml_problems(text, where)
    if problems:
        raise YamlProblems(problems)
    return data


def parse_yaml_problems(text: str, where: str) -> tuple[Any, list[Problem]]:
    """(data, []) or (None, every located problem): hostile structure, tabs in the indentation, the syntax error.

    :func:`kyodo.core.yamlguard.guard_problems` runs first, on the text and the parser's events, so an alias
    bomb, a recursive alias, a NUL byte or an octal-looking code is refused before anything is built.
    """
    try:
        guarded = [Problem(where, line, col, msg) for line, col, msg in guard_problems(text)]
    except yaml.MarkedYAMLError:
        guarded = []  # a syntax error: explained below with its position
    if guarded:
        return None, guarded
    try:
        return yaml.load(text, Loader=FastSafeLoader), []
    except yaml.MarkedYAMLError as exc:
        tabs = _tab_problems(text, where)
        syntax = _yaml_problem(exc, text, where)
        if not any(t.line == syntax.line for t in tabs):
            tabs.append(syntax)
        return None, sorted(tabs)
    except yaml.YAMLError as exc:
        return None, [Problem(where, 1, 1, f"YAMLの書き方に誤りがあります（{exc}）。")]


def _tab_problems(text: str, file: str) -> list[Problem]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            out.append(Problem(file, n, indent.index("\t") + 1,
                               "字下げ（インデント）にタブ文字が使われています。半角スペースにしてください。"))
    return out


_YAML_PROBLEMS = (
    ("cannot start any token", "タブ文字や使えない記号（@ ` %）が行頭にあります。字下げは半角スペースで、記号で始まる値は \"...\" で囲んでください"),
    ("could not find expected ':'", "「名前: 値」の「:」（コロンと半角スペース）が抜けています"),
    ("mapping values are not allowed", "「:」の位置がおかしいか、値の中に「: 」があります（値を \"...\" で囲んでください）"),
    ("found unexpected end of stream", "引用符（\" や '）が閉じられていません"),
    ("while scanning a quoted scalar", "引用符（\" や '）が閉じられていません"),
    ("expected <block end>", "字下げ（インデント）がそろっていません"),
    ("did not find expected key", "字下げ（インデント）がそろっていないか、「- 」の位置がずれています"),
    ("did not find expected '-'", "リストの「- 」の字下げがそろっていません"),
    ("could not determine a constructor", "使えないタグ（!! や ! で始まる記法）があります。値だけを書いてください"),
    ("found undefined alias", "未定義の別名（* で始まる記法）があります"),
    ("flow mapping", "{ } のカッコが閉じられていないか、区切りの「,」が抜けています"),
    ("flow sequence", "[ ] のカッコが閉じられていないか、区切りの「,」が抜けています"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    said = f"{exc.context or ''} {exc.problem or ''}"
    # A missing ':' is noticed on the next line; the key without it is where the context starts.
    # Likewise an unclosed bracket: the opening one is where to look.
    opened = "expected ':'" in said or "flow sequence" in said or "flow mapping" in said
    mark = exc.context_mark if opened and exc.context_mark else (exc.problem_mark or exc.context_mark)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    why = next((ja for en, ja in _YAML_PROBLEMS if en in said), "コロン・引用符・カッコの閉じ忘れ・字下げを確認してください")
    # An unclosed quote swallows the following lines and the parser complains later: point at it.
    lines = text.splitlines()
    start = exc.context_mark.line if exc.context_mark else max(0, line - 5)
    for n in range(min(start, line - 1), min(line, len(lines))):
        code = lines[n].replace('\\"', "")
        if code.count('"') % 2 == 1:
            return Problem(file, n + 1, code.index('"') + 1,
                           "YAMLの書き方に誤りがあります: 引用符（\"）が閉じられていません。同じ行の中で閉じてください。")
    return Problem(file, line, col, f"YAMLの書き方に誤りがあります: {why}。")

"""docs/actions.md, generated from the registered actions (a test keeps it in sync)."""

from __future__ import annotations

import inspect
import typing

from kyodo.robots import all_actions


def _type_name(annotation: typing.Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "任意"
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("pathlib.", "").replace("datetime.", "")


def actions_markdown() -> str:
    lines = ["# アクション一覧（Step reference）", "",
             "シナリオの `action:` に書けるアクションです。`kyodo actions 名前` でも同じ説明を見られます。",
             "このファイルは `kyodo scenario docs` がコードから生成します（手で編集しないでください）。", ""]
    specs = all_actions()
    for name, spec in specs.items():
        lines.append(f"- [`{name}`](#{name.replace('.', '')}) — {spec.title}")
    lines.append("")
    for name, spec in specs.items():
        hints = typing.get_type_hints(spec.func)
        lines += [f"## {name}", "", f"**{spec.title}**　（ネットワーク: {', '.join(sorted(spec.zones))}）", "", spec.doc, "",
                  "| 引数 | 型 | 既定値 |", "|---|---|---|"]
        for pname, p in spec.parameters.items():
            default = "（必須）" if p.default is p.empty else f"`{p.default!r}`"
            lines.append(f"| `{pname}` | `{_type_name(hints.get(pname, p.annotation))}` | {default} |")
        lines += ["", "例:", "", "```yaml", spec.example, "```", ""]
    return "\n".join(lines)

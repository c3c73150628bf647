"""Read and write paths a scenario states, checked before anything runs (with line and column).

The engine enforces the same rules at run time (:class:`kyodo.robots.context.RunContext`); this pass
makes a DX leader see ``../共有/結果.xlsx`` or ``/etc/passwd`` at ``kyodo scenario validate``,
at the line where it is written, instead of at 2 a.m. in a failed scheduled run. A path built
from variables is checked on its fixed parts (``${m.code}/x.xlsx`` still has a folder in it);
a path that is just ``${params.X}`` is checked on the parameter's default, at the default's line.
"""

from __future__ import annotations

import re
from typing import Any

from kyodo.core.yamlfile import Problem
from kyodo.robots.paths import PathRole, input_path_problem, output_name_problem, path_role
from kyodo.runner.scenario.expr import VAR
from kyodo.runner.scenario.positions import Layout, locate

_PARAM_ONLY = re.compile(r"^\$\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


def path_problems(data: dict[str, Any], lay: Layout, file: str) -> list[Problem]:
    """Every literal read path outside the input folders and every write path with a folder in it."""
    raw_params = data.get("params")
    params: dict[Any, Any] = raw_params if isinstance(raw_params, dict) else {}
    out: list[Problem] = []

    def add(where: tuple, message: str) -> None:
        line, col = locate(lay.positions, where)
        p = Problem(file, line, col, message)
        if p not in out:
            out.append(p)

    def check(role: PathRole, value: str, where: tuple, arg: str, action: str) -> None:
        if m := _PARAM_ONLY.match(value.strip()):
            p = params.get(m.group(1))
            default = p.get("default") if isinstance(p, dict) else None
            if isinstance(default, str) and default and not VAR.search(default):
                check(role, default, ("params", m.group(1), "default"), arg, action)
            return
        fixed = VAR.sub("x", value)  # a variable's value is judged at run time; the fixed parts now
        problem = output_name_problem(fixed) if role is PathRole.OUTPUT else input_path_problem(fixed)
        if problem:
            add(where, f"{action} の引数「{arg}」: {problem.replace('「' + fixed + '」', '「' + value + '」')}。")

    def walk(steps: Any, where: tuple) -> None:
        if not isinstance(steps, list):
            return
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            walk(step.get("steps"), (*where, i, "steps"))
            args, action = step.get("with"), step.get("action")
            if not isinstance(args, dict) or not isinstance(action, str):
                continue
            for arg, value in args.items():
                role = path_role(action, str(arg))
                values = value if isinstance(value, list) else [value]
                for j, v in enumerate(values):
                    if role is not None and isinstance(v, str) and v.strip():
                        at = (*where, i, "with", arg, j) if isinstance(value, list) else (*where, i, "with", arg)
                        check(role, v, at, str(arg), action)

    walk(data.get("steps"), ("steps",))
    return out

"""The shape of the code: imports at the top, a fast command line, and the kyodo namespace.

Which layer may import which (core < robots < faq_bot < runner) is checked by import-linter
(``lint-imports``, [tool.importlinter] in pyproject.toml), which ``make test`` runs before pytest.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[2]
LIBRARY = ("core", "robots", "runner", "faq_bot")
# Command modules import their work inside the command (runner/cli/__init__.py says why, with figures).
LAZY_BY_DESIGN = (REPO / "runner" / "cli",)
HEAVY = ("sklearn", "sqlalchemy", "playwright", "pandas", "cv2", "onnxruntime", "celery")


def _function_level_imports(path: Path) -> list[int]:
    """Line numbers of imports inside functions, leaving out ``if TYPE_CHECKING:`` blocks."""
    found: list[int] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child.lineno)
            walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_library_modules_import_at_the_top():
    """The graph a reader sees at the top of a module is the real one (no hidden imports in functions)."""
    offenders = []
    for folder in LIBRARY:
        for path in sorted((REPO / folder).rglob("*.py")):
            if "alembic" in path.parts or any(path.is_relative_to(d) for d in LAZY_BY_DESIGN):
                continue
            offenders += [f"{path.relative_to(REPO)}:{line}" for line in _function_level_imports(path)]
    assert not offenders, "move these imports to the top of the module: " + ", ".join(offenders)


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n\n"
                      "def f():\n    import json\n    return json\n", encoding="utf-8")
    assert _function_level_imports(module) == [6]


def test_the_command_line_starts_without_the_heavy_libraries():
    """``kyodo --help`` and tab completion load every command module: none may pull in the engine's libraries."""
    code = f"import sys, kyodo.runner.cli; print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"loaded at start-up: {out.strip()}"


def test_the_folders_install_under_the_kyodo_namespace_only():
    """No generic top-level name (robots, runner, ...) is importable; kyodo.<folder> is this checkout's folder."""
    code = ("import importlib.util, kyodo.robots, kyodo.runner, kyodo.faq_bot, kyodo.core; "
            "print([n for n in ('robots', 'runner', 'faq_bot', 'core', 'scenarios') if importlib.util.find_spec(n)]); "
            "print(kyodo.robots.__file__)")
    out = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[]", f"importable under a generic name: {out[0]}"
    assert Path(out[1]) == REPO / "robots" / "__init__.py"


def test_no_library_function_is_over_80_lines():
    """A function longer than a screen does several jobs: split it into stages (see engine.execute)."""
    long = []
    for folder in LIBRARY:
        for path in sorted((REPO / folder).rglob("*.py")):
            if "alembic" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long, long


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycles():
    """Every module can be read (and imported) after the ones it imports; type-checking-only imports aside."""
    graph = grimp.build_graph(*(f"kyodo.{p}" for p in LIBRARY), exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

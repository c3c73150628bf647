"""The ``kyodo`` command. Sub-commands live in one module each.

The one place where imports sit inside functions on purpose: a command module imports at its top
only typer, rich and ``kyodo.core``, and imports the engine, store, registry, FAQ bot and browser
inside the command that needs them. Every ``kyodo`` call (and tab completion) loads all command
modules; measured on the CI machine (``python -X importtime -c "import kyodo.runner.cli"``),
``kyodo --help`` takes 0.3 s this way and 2.2 s with those imports at the top (sklearn, pandas,
SQLAlchemy and Playwright). ``tests/foundation/test_layers.py`` keeps it so.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from kyodo.runner.cli._help import install as _japanese_help
from kyodo.runner.cli.demo import demo
from kyodo.runner.cli.info import actions, municipalities
from kyodo.runner.cli.run import run

_japanese_help()
app = typer.Typer(
    name="kyodo",
    help="kyodo（共同利用）: 県と市町で共同利用するRPA/AI。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.command("run")(run)
app.command("demo")(demo)
app.command("municipalities")(municipalities)
app.command("actions")(actions)

# (module, attribute, command name): sub-apps are mounted when their module is present.
_SUBAPPS = [
    ("kyodo.runner.cli.runs", "app", "runs"),
    ("kyodo.runner.cli.scenario", "app", "scenario"),
    ("kyodo.runner.cli.catalogue", "app", "scenarios"),
    ("kyodo.runner.cli.registry", "app", "registry"),
    ("kyodo.runner.cli.schedule", "app", "schedule"),
    ("kyodo.runner.cli.report", "app", "report"),
    ("kyodo.runner.cli.users", "app", "users"),
    ("kyodo.runner.cli.secret", "app", "secret"),
    ("kyodo.runner.cli.audit", "app", "audit"),
    ("kyodo.runner.cli.artifacts", "app", "artifacts"),
    ("kyodo.runner.cli.ocr", "app", "ocr"),
    ("kyodo.runner.cli.notify", "app", "notify"),
    ("kyodo.runner.cli.faq", "app", "faq"),
]
for _mod, _attr, _name in _SUBAPPS:
    try:
        _sub = getattr(importlib.import_module(_mod), _attr)
    except ModuleNotFoundError as _exc:
        if _exc.name != _mod:
            raise
        continue
    app.add_typer(_sub, name=_name)

_COMMANDS = [("kyodo.runner.cli.dashboard", "dashboard"), ("kyodo.runner.cli.worker", "worker"), ("kyodo.runner.cli.record", "record")]
for _mod, _name in _COMMANDS:
    try:
        app.command(_name)(getattr(importlib.import_module(_mod), _name))
    except ModuleNotFoundError as _exc:
        if _exc.name != _mod:
            raise


def main() -> None:
    """Entry point of the ``kyodo`` script."""
    from kyodo.runner.logs import setup_logging
    from kyodo.runner.privatefiles import private_umask

    private_umask()  # everything this process writes (runs, inputs, database, keys) is owner-only
    setup_logging(logging.WARNING)
    if len(sys.argv) == 1 or (len(sys.argv) == 2 and _is_group(sys.argv[1])):
        sys.argv.append("--help")  # bare `kyodo` or `kyodo runs`: the help is the answer, not an error (exit 0)
    app()


def _is_group(name: str) -> bool:
    """True for a command group (``runs``, ``schedule`` …), which does nothing without a sub-command."""
    import typer.main

    return hasattr(typer.main.get_command(app).commands.get(name), "commands")  # type: ignore[attr-defined]

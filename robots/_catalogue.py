"""Which actions exist: import every robot's ``actions`` module (and plug-ins) so they register.

The registry itself (:func:`kyodo.core.actions.action`) sits in the core; finding the robots is the
robots package's own job, so the core never imports upward.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from kyodo.core.actions import ActionSpec, registered
from kyodo.core.settings import load_settings

_ROBOTS = __name__.rpartition(".")[0]  # kyodo.robots
_FOLDER = Path(__file__).parent


def load_all() -> dict[str, ActionSpec]:
    """Import every ``robots/<robot>/actions.py`` so their actions register; return the registry.

    ``KYODO_PLUGINS`` (comma-separated module names) adds actions from outside the package, for
    a municipality's own robots or for tests.
    """
    for name in load_settings().plugin_modules:
        importlib.import_module(name)
    for mod in pkgutil.iter_modules([str(_FOLDER)]):
        if mod.ispkg and not mod.name.startswith("_"):
            module = f"{_ROBOTS}.{mod.name}.actions"
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
    return registered()


def get_action(name: str) -> ActionSpec | None:
    """The action called ``name``, or ``None`` (the validator suggests the closest name)."""
    return load_all().get(name)

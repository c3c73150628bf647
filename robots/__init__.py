"""Reusable robots: browser, spreadsheet, OCR, normalisation, table and reconcile actions.

Public surface: the :func:`action` decorator, :class:`RunContext` handed to every action,
the two error classes, and :func:`all_actions` for the engine and docs.
"""

from kyodo.core.actions import ActionSpec, action
from kyodo.core.errors import ApplicationError, BusinessError, KyodoError, error_kind
from kyodo.core.zones import ZONES
from kyodo.robots._catalogue import get_action
from kyodo.robots._catalogue import load_all as all_actions
from kyodo.robots.context import RunContext

__all__ = [
    "ZONES",
    "ActionSpec",
    "ApplicationError",
    "BusinessError",
    "KyodoError",
    "RunContext",
    "action",
    "all_actions",
    "error_kind",
    "get_action",
]

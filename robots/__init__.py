"""Reusable robots: browser, spreadsheet, OCR, normalisation, table and reconcile actions.

Public surface: the :func:`action` decorator, :class:`RunContext` handed to every action,
the two error classes, and :func:`all_actions` for the engine and docs.
"""

from robots._action import ZONES, ActionSpec, action, get_action
from robots._action import load_all as all_actions
from robots.context import RunContext
from robots.errors import ApplicationError, BusinessError, KyodoError, error_kind

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

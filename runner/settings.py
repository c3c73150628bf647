"""Where kyodo keeps its files and which database it uses: the settings model, seen from the runner.

The model itself lives at the bottom layer (:mod:`robots.settings`) so that robots and faq_bot can
read their variables without importing the runner; this module keeps the runner's historical
names (``Settings``, ``get_settings``, ``reset_settings``) pointing at the same objects.
"""

from __future__ import annotations

from robots.settings import (
    PACKAGE_ROOT,
    STANDARD_SCENARIOS,
    KyodoSettings,
    get_settings,
    load_settings,
    reset_settings,
)

Settings = KyodoSettings

__all__ = ["PACKAGE_ROOT", "STANDARD_SCENARIOS", "KyodoSettings", "Settings", "get_settings", "load_settings", "reset_settings"]

"""The names a scenario's ``${...}`` expressions start from, and the fields each offers: defined once.

The engine builds these values for a run (``kyodo.runner.engine``); the validator checks a scenario's
references against the same lists, so a field added here is known to both.
"""

from __future__ import annotations

BUILTIN_NAMES = frozenset({"params", "municipality", "municipalities", "run"})
# ``${municipality.X}`` and a loop item over ``${municipalities}``
MUNICIPALITY_FIELDS = ("code", "name", "kind", "zone", "portal_url", "credentials", "input_dir", "output_dir",
                       "office", "phone", "params", "profile")
# ``${run.X}``
RUN_FIELDS = ("id", "date", "yyyymmdd", "artifact_dir", "trigger")

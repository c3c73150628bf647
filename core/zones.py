"""Network zones (三層分離): the one definition every layer imports.

``Zone`` is a ``StrEnum`` so its members are the very strings stored in YAML, the database and
JSON. ``ZoneName`` is the same set as a ``Literal`` for pydantic models, whose JSON Schema must
stay a plain string enum; a test checks the two never drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Zone(StrEnum):
    """Where a robot runs: the internet-connected, the LGWAN or the My Number segment."""

    INTERNET = "internet"
    LGWAN = "lgwan"
    MYNUMBER = "mynumber"


ZoneName = Literal["internet", "lgwan", "mynumber"]
ZONES: tuple[Zone, ...] = tuple(Zone)
DEFAULT_ZONE = Zone.INTERNET
ZONE_JA: dict[str, str] = {Zone.INTERNET: "インターネット接続系", Zone.LGWAN: "LGWAN接続系",
                           Zone.MYNUMBER: "マイナンバー利用事務系"}

__all__ = ["DEFAULT_ZONE", "ZONES", "ZONE_JA", "Zone", "ZoneName"]

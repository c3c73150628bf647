"""What the recorder saw: one event per thing the person did, as the page reported it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class EventKind(str, Enum):
    """The kinds of things a person does in the browser that become scenario steps."""

    PAGE = "page"            # a new document finished loading (navigation)
    CLICK = "click"
    FILL = "fill"            # typing into a text field (password fields carry no value)
    SELECT = "select"        # a choice in a dropdown
    CHECK = "check"          # a checkbox or radio button
    UPLOAD = "upload"        # files chosen in a file field
    SUBMIT = "submit"        # a form sent (Enter or a button)
    READ_TABLE = "read_table"  # Alt + click on a table: read it from the screen
    DOWNLOAD = "download"    # reported by Python, not by the page


@dataclass
class Event:
    """One recorded event. ``selector`` is the chosen one; ``kind_of_selector`` says why it was chosen."""

    kind: EventKind
    t: float = 0.0
    url: str = ""
    selector: str = ""
    selector_kind: str = ""
    unique: bool = True
    alternatives: list[str] = field(default_factory=list)
    tag: str = ""
    type: str = ""
    name: str = ""
    id: str = ""
    label: str = ""
    autocomplete: str = ""
    value: str | None = None
    secret: bool = False
    checked: bool | None = None
    option_label: str = ""
    files: list[str] = field(default_factory=list)
    next_page: str | None = None
    headers: list[str] = field(default_factory=list)
    title: str = ""
    h1: str = ""
    logout: str = ""
    filename: str = ""
    sha256: str = ""
    saved_to: str = ""
    in_frame: bool = False

    @classmethod
    def from_page(cls, data: dict[str, Any]) -> Event:
        """An event as reported by the injected script (unknown keys are ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k not in ("kind", "t")}
        event = cls(kind=EventKind(data["kind"]), **known)
        event.selector_kind = str(data.get("kind_of_selector") or "")
        event.t = float(data.get("t") or 0) / 1000.0
        return event

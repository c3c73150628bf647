"""Logging that can never leak personal data or secrets: every record is masked when formatted."""

from __future__ import annotations

import logging

from kyodo.core.privacy import mask_text


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks the whole line (message, arguments and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def setup_logging(level: int = logging.WARNING) -> None:
    """Console logging for the CLI, masked."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, MaskingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)

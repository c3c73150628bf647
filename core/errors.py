"""Error classes every robot raises.

The split matters to the runner: a :class:`BusinessError` means the *data* is wrong
(missing column, bad date, wrong password) and retrying cannot help, so it is reported per
item and never retried. An :class:`ApplicationError` means the *machinery* failed (timeout,
portal down, crash) and a retry with backoff may succeed.

Messages are Japanese first because municipal staff read them; ``where`` names the file,
line, step or municipality and ``hint`` says what to fix.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """Why a run or item failed: the data (never retried) or the machinery (retried)."""

    BUSINESS = "business"
    APPLICATION = "application"


ERROR_KIND_JA: dict[str, str] = {ErrorKind.BUSINESS: "業務（データ）", ErrorKind.APPLICATION: "システム"}


class KyodoError(Exception):
    """Base class: a message for staff plus where it happened and how to fix it."""

    kind: ErrorKind = ErrorKind.APPLICATION

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.where:
            parts.append(f"[{self.where}] ")
        parts.append(self.message)
        if self.hint:
            parts.append(f"\n  → 対処: {self.hint}")
        return "".join(parts)

    def located(self, where: str) -> KyodoError:
        """Prefix the location (e.g. municipality and step) without losing the original."""
        self.where = f"{where} / {self.where}" if self.where else where
        self.args = (self.__str__(),)
        return self


class BusinessError(KyodoError):
    """Bad input data or configuration: never retried, reported per item."""

    kind = ErrorKind.BUSINESS


class ApplicationError(KyodoError):
    """Timeout, unreachable system or crash: may be retried with backoff."""

    kind = ErrorKind.APPLICATION


def error_kind(exc: BaseException) -> ErrorKind:
    """Classify any exception as ``business`` or ``application`` (unknown errors are application)."""
    return ErrorKind(exc.kind) if isinstance(exc, KyodoError) else ErrorKind.APPLICATION

"""Where a municipality's notifications go: the registry's ``notify`` field plus environment defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from kyodo.core.settings import load_settings
from kyodo.core.status import RunStatus
from kyodo.robots.mail import WebhookKind


class NotifyOn(str, Enum):
    """Which outcomes are worth a message (succeeded runs are in the daily summary only)."""

    FAILED = RunStatus.FAILED.value
    PARTIAL = RunStatus.PARTIAL.value
    INTERRUPTED = RunStatus.INTERRUPTED.value
    NOT_SUBMITTED = RunStatus.NOT_SUBMITTED.value


class Webhook(BaseModel):
    """A chat channel. The URL is a secret (anyone holding it can post), so only its secret name is here."""

    model_config = ConfigDict(extra="forbid")

    kind: WebhookKind = Field(description="teams / slack（Slack互換） / lineworks")
    url_secret: str = Field(description="Webhook URL を登録したシークレット名（kyodo secret set で登録）")


class NotifyChannels(BaseModel):
    """A municipality's ``notify:`` entry in the registry."""

    model_config = ConfigDict(extra="forbid")

    email: list[str] = Field(default_factory=list, description="失敗を知らせるメールアドレス")
    webhooks: list[Webhook] = Field(default_factory=list, description="Teams / Slack互換 / LINE WORKS の Webhook")
    on: list[NotifyOn] = Field(default_factory=lambda: list(NotifyOn), description="知らせる結果（既定: 失敗・一部失敗・中断・未提出）")
    daily_summary: bool = Field(True, description="毎日のまとめ（kyodo notify summary）を送るか")


@dataclass(frozen=True)
class Defaults:
    """Installation-wide settings from the environment (the operators' own addresses)."""

    smtp_url: str | None
    emails: tuple[str, ...]
    dashboard_url: str  # default: kyodo.core.settings (KYODO_DASHBOARD_URL)
    sender: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def defaults_from_env() -> Defaults:
    """``KYODO_SMTP_URL``, ``KYODO_NOTIFY_EMAIL``, ``KYODO_DASHBOARD_URL`` and ``KYODO_NOTIFY_FROM`` as they are now."""
    s = load_settings()
    return Defaults(smtp_url=s.smtp_url, emails=s.notify_emails, dashboard_url=s.dashboard_url.rstrip("/"), sender=s.notify_from)

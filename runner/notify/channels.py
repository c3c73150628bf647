"""Where a municipality's notifications go: the registry's ``notify`` field plus environment defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from robots.mail import WebhookKind

SMTP_ENV = "KYODO_SMTP_URL"
EMAIL_ENV = "KYODO_NOTIFY_EMAIL"
DASHBOARD_ENV = "KYODO_DASHBOARD_URL"
SENDER_ENV = "KYODO_NOTIFY_FROM"


class NotifyOn(str, Enum):
    """Which outcomes are worth a message (succeeded runs are in the daily summary only)."""

    FAILED = "failed"
    PARTIAL = "partial"
    INTERRUPTED = "interrupted"
    NOT_SUBMITTED = "not_submitted"


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
    emails: tuple[str, ...] = ()
    dashboard_url: str = "http://127.0.0.1:8600"
    sender: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def defaults_from_env() -> Defaults:
    emails = tuple(e.strip() for e in os.environ.get(EMAIL_ENV, "").split(",") if e.strip())
    return Defaults(smtp_url=os.environ.get(SMTP_ENV) or None, emails=emails,
                    dashboard_url=os.environ.get(DASHBOARD_ENV, "http://127.0.0.1:8600").rstrip("/"),
                    sender=os.environ.get(SENDER_ENV) or None)

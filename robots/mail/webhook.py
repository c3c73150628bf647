"""Post a short message to a chat: Microsoft Teams, Slack-compatible webhooks, LINE WORKS."""

from __future__ import annotations

from enum import Enum
from typing import Any

import httpx

from kyodo.core.errors import ApplicationError


class WebhookKind(str, Enum):
    """The chat products staff use; each wants its own JSON."""

    TEAMS = "teams"  # Teams Workflows / incoming webhook: an Adaptive Card message
    SLACK = "slack"  # Slack and every Slack-compatible webhook (Mattermost, Rocket.Chat, Google Chat…)
    LINEWORKS = "lineworks"  # LINE WORKS incoming webhook


def webhook_payload(kind: WebhookKind, title: str, text: str, link: str | None = None) -> dict[str, Any]:
    """The JSON body for ``kind``: a title, the message, and a button or link to the run."""
    if kind is WebhookKind.SLACK:
        return {"text": f"*{title}*\n{text}" + (f"\n<{link}|実行の詳細を開く>" if link else "")}
    if kind is WebhookKind.LINEWORKS:
        body: dict[str, Any] = {"title": title, "body": {"text": text}}
        if link:
            body["button"] = {"label": "実行の詳細を開く", "url": link}
        return body
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
        "body": [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
                 {"type": "TextBlock", "text": text, "wrap": True}],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "実行の詳細を開く", "url": link}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


def post_webhook(kind: WebhookKind | str, url: str, title: str, text: str, link: str | None = None,
                 *, timeout: float = 15) -> None:
    """POST the message; raises ApplicationError (Japanese, host only: a webhook URL is a secret) on failure."""
    kind = WebhookKind(kind)
    host = httpx.URL(url).host
    try:
        response = httpx.post(url, json=webhook_payload(kind, title, text, link), timeout=timeout)
    except httpx.HTTPError as exc:
        raise ApplicationError(f"{kind.value} への通知を送れませんでした（{host}）: {exc.__class__.__name__}",
                               hint="Webhook の URL とネットワークの経路を確認してください。") from None
    if response.status_code >= 300:
        raise ApplicationError(f"{kind.value} への通知が拒否されました（{host}、HTTP {response.status_code}）。",
                               hint="Webhook の URL が有効か（削除・失効していないか）確認してください。")

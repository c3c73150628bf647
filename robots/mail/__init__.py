"""Mail and chat robot: SMTP mail (STARTTLS) and webhooks for Teams, Slack-compatible chats and LINE WORKS.

The bottom layer for every message kyodo sends: the ``mail.send`` scenario action and the
runner's failure notifications (``kyodo.runner.notify``) both use these senders. No runner imports:
secrets come in through a resolver callable.
"""

from kyodo.robots.mail.smtp import Mail, SmtpServer, parse_smtp_url, send_mail
from kyodo.robots.mail.webhook import WebhookKind, post_webhook, webhook_payload

__all__ = ["Mail", "SmtpServer", "WebhookKind", "parse_smtp_url", "post_webhook", "send_mail", "webhook_payload"]

"""Who is told what, and sending it. A notification problem is logged and never fails a run."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kyodo.core.errors import BusinessError, KyodoError
from kyodo.core.jst import JST
from kyodo.core.privacy import mask_text
from kyodo.core.status import RunStatus
from kyodo.robots.mail import Mail, parse_smtp_url, post_webhook, send_mail
from kyodo.runner.notify.channels import (
    Defaults,
    NotifyChannels,
    NotifyOn,
    Webhook,
    defaults_from_env,
)
from kyodo.runner.notify.message import Message, failure_message, summary_message
from kyodo.runner.registry import Registry
from kyodo.runner.secrets import get_secret
from kyodo.runner.store import RunStore

log = logging.getLogger("kyodo.notify")
Secret = Callable[[str], str]


@dataclass
class Target:
    """One municipality's audience for one message (plus the operators' default addresses)."""

    label: str
    emails: list[str] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)


@dataclass
class Outcome:
    """What was sent and what failed (for ``kyodo notify test`` and the log)."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _secret_resolver() -> Secret:
    return get_secret


def deliver(message: Message, target: Target, defaults: Defaults, secret: Secret | None = None) -> Outcome:
    """Send ``message`` to every channel of ``target``; each failure is logged and recorded, never raised."""
    secret = secret or _secret_resolver()
    out = Outcome()
    if target.emails:
        try:
            if not defaults.smtp_url:
                raise BusinessError("メールサーバーが設定されていません（KYODO_SMTP_URL）。")
            server = parse_smtp_url(defaults.smtp_url)
            sender = defaults.sender or server.sender or f"kyodo@{server.host}"
            send_mail(server, Mail(to=target.emails, subject=message.subject, body=message.text, sender=sender), secret)
            out.sent.append(f"メール {len(target.emails)} 件（{target.label}）")
        except KyodoError as exc:
            out.failed.append(f"メール（{target.label}）: {mask_text(exc.message)}")
    for hook in target.webhooks:
        try:
            post_webhook(hook.kind, secret(hook.url_secret), message.subject, message.text, message.link)
            out.sent.append(f"{hook.kind.value}（{target.label}）")
        except KyodoError as exc:
            out.failed.append(f"{hook.kind.value}（{target.label}）: {mask_text(exc.message)}")
    for problem in out.failed:
        log.warning("通知を送れませんでした: %s", problem)
    return out


def _channels(registry: Registry, code: str) -> tuple[str, NotifyChannels]:
    try:
        m = registry.get(code)
    except KyodoError:
        return code, NotifyChannels()
    return m.name, m.notify


_ITEM_CODE = re.compile(r"\((\d{6})\)")


def _failed_parts(run: Any) -> dict[str, str]:
    """Municipality code → its own step error, for a run over several municipalities."""
    parts: dict[str, str] = {}
    for step in getattr(run, "steps", []) or []:
        m = _ITEM_CODE.search(step.item or "")
        if m and step.status == RunStatus.FAILED and step.message:
            parts[m.group(1)] = step.message
    return parts


def notify_run(run_id: str, store: RunStore, registry: Registry, defaults: Defaults | None = None,
               secret: Secret | None = None) -> Outcome:
    """Tell the run's municipality (and, for a multi-municipality run, each failing one) about a bad outcome."""
    defaults = defaults or defaults_from_env()
    run = store.get_run(run_id)
    out = Outcome()
    if run is None or run.status not in {o.value for o in NotifyOn}:
        return out
    parts = _failed_parts(run) if len(run.municipalities or []) > 1 else {}
    audiences: list[tuple[str, str | None]] = [(code, parts[code]) for code in parts] or [(run.municipality, None)]
    operators_told = False
    for code, part in audiences:
        name, ch = _channels(registry, code)
        if NotifyOn(run.status) not in ch.on:
            ch = NotifyChannels(on=[])
        emails = list(ch.email) if ch.on else []
        if not operators_told:
            emails += [e for e in defaults.emails if e not in emails]
            operators_told = True
        target = Target(name, emails, list(ch.webhooks) if ch.on else [])
        if target.emails or target.webhooks:
            got = deliver(failure_message(run, name, defaults.dashboard_url, part), target, defaults, secret)
            out.sent += got.sent
            out.failed += got.failed
    return out


def notify_run_quietly(run_id: str, store: RunStore, registry: Registry) -> None:
    """The executors' hook: whatever goes wrong here is logged; the run's own record is already final."""
    try:
        notify_run(run_id, store, registry)
    except Exception:  # noqa: BLE001 - a notification must never fail or hide a run
        log.warning("実行 %s の通知に失敗しました", run_id, exc_info=True)


def notify_interrupted_quietly(run_ids: list[str], store: RunStore, registry: Registry, *, background: bool = False) -> None:
    """Runs found 中断 (their process died) are bad outcomes too: tell their municipalities.

    ``background``: from a web page, send in a thread so the page never waits for a mail server.
    """
    if not run_ids:
        return

    def work() -> None:
        for run_id in run_ids:
            notify_run_quietly(run_id, store, registry)

    if background:
        threading.Thread(target=work, name="notify-interrupted", daemon=True).start()
    else:
        work()


def send_daily_summary(store: RunStore, registry: Registry, day: date | None = None, defaults: Defaults | None = None,
                       secret: Secret | None = None) -> Outcome:
    """Each municipality that wants it gets its own day; the operators' addresses get the whole prefecture."""
    defaults = defaults or defaults_from_env()
    day = day or datetime.now(JST).date()
    names = registry.names()
    runs = store.runs_for_days(day, day)
    out = Outcome()
    for m in [registry.prefecture, *registry.municipalities]:
        if not m.notify.daily_summary or not (m.notify.email or m.notify.webhooks):
            continue
        own = runs if m.code == registry.prefecture.code else [
            r for r in runs if r.municipality == m.code or m.code in (r.municipalities or [])]
        msg = summary_message(day, own, names, defaults.dashboard_url, m.name)
        got = deliver(msg, Target(m.name, list(m.notify.email), list(m.notify.webhooks)), defaults, secret)
        out.sent += got.sent
        out.failed += got.failed
    if defaults.emails:
        msg = summary_message(day, runs, names, defaults.dashboard_url, f"{registry.prefecture.name}（全自治体）")
        got = deliver(msg, Target("既定の宛先", list(defaults.emails)), defaults, secret)
        out.sent += got.sent
        out.failed += got.failed
    return out


def send_test(registry: Registry, code: str | None, defaults: Defaults | None = None, secret: Secret | None = None) -> Outcome:
    """``kyodo notify test``: one harmless message through every configured channel."""
    defaults = defaults or defaults_from_env()
    targets = []
    if code:
        name, ch = _channels(registry, registry.get(code).code)
        targets.append(Target(name, list(ch.email), list(ch.webhooks)))
    if defaults.emails:
        targets.append(Target("既定の宛先（KYODO_NOTIFY_EMAIL）", list(defaults.emails)))
    if not any(t.emails or t.webhooks for t in targets):
        raise BusinessError("通知の宛先が設定されていません。",
                            hint="環境変数 KYODO_NOTIFY_EMAIL（カンマ区切り）か、自治体台帳の notify: に宛先を書いてください。")
    now = datetime.now(JST).strftime("%Y-%m-%d %H:%M")
    out = Outcome()
    for t in targets:
        msg = Message(f"【kyodo】通知のテスト（{t.label}）",
                      f"kyodo からの通知のテストです（{now} 日本時間）。\nこのメッセージが届いていれば、"
                      f"ロボットが失敗したときの知らせもここに届きます。\n\nダッシュボード: {defaults.dashboard_url}/",
                      f"{defaults.dashboard_url}/")
        got = deliver(msg, t, defaults, secret)
        out.sent += got.sent
        out.failed += got.failed
    return out

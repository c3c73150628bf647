"""Failure notifications and mail.send against a real SMTP server and a real HTTP receiver on loopback."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from tests.notify.conftest import SMTP_PASSWORD

FAILING = """
name: notify_probe
title: 住民票写し交付件数の集計
steps:
  - id: table
    title: 交付一覧を読む
    action: excel.read_csv
    with: {path: 交付一覧.csv}
"""

MAILING = """
name: mail_probe
title: 結果のメール送付
steps:
  - action: mail.send
    with:
      to: [zeimu@example.lg.jp, "  ", somu@example.lg.jp]
      subject: ${municipality.name} 照合結果 ${run.date}
      body: 照合が終わりました。
      attachments: [結果.csv]
"""


@pytest.fixture()
def env(clean, kyodo_home, monkeypatch):
    inbox, receiver = clean
    monkeypatch.setenv("KYODO_SMTP_URL", inbox.url())
    monkeypatch.setenv("KYODO_SECRET_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("KYODO_NOTIFY_EMAIL", "ops@kyodo.example.lg.jp, dx@kyodo.example.lg.jp")
    monkeypatch.setenv("KYODO_DASHBOARD_URL", "https://kyodo.example.lg.jp/")
    for kind in ("teams", "slack", "lineworks"):
        monkeypatch.setenv(f"KYODO_SECRET_HOOK_{kind.upper()}", f"{receiver.url}/{kind}")
    return inbox, receiver


def _registry_with_channels():
    from kyodo.runner.notify.channels import NotifyChannels, Webhook
    from kyodo.runner.registry import load_registry
    from tests.conftest import REGISTRY

    registry = load_registry(REGISTRY)
    registry.get("352021").notify = NotifyChannels(
        email=["ube-joho@example.lg.jp"],
        webhooks=[Webhook(kind=k, url_secret=f"hook_{k}") for k in ("teams", "slack", "lineworks")])
    return registry


def test_a_failed_run_mails_and_posts_a_message_staff_can_act_on(env, user_scenarios):
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario

    inbox, receiver = env
    user_scenarios("notify_probe", FAILING)
    [result] = run_scenario("notify_probe", ["352021"], registry=_registry_with_channels(), store=open_store())
    assert result.status == "failed"
    [(rcpts, msg, tls)] = inbox.messages
    assert tls, "the mail went over STARTTLS"
    assert sorted(rcpts) == ["dx@kyodo.example.lg.jp", "ops@kyodo.example.lg.jp", "ube-joho@example.lg.jp"]
    assert msg["Subject"].startswith("【kyodo】失敗: 宇部市 住民票写し交付件数の集計")
    body = msg.get_body().get_content()
    assert "宇部市の「住民票写し交付件数の集計」が失敗しました" in body
    assert "エラー: " in body and "交付一覧.csv" in body
    assert "対処: " in body and "対処: （" not in body
    assert f"https://kyodo.example.lg.jp/runs/{result.run_id}" in body
    assert "notify_probe" not in body  # staff read the Japanese title, not the ID
    posts = dict(receiver.posts)
    assert set(posts) == {"/teams", "/slack", "/lineworks"}
    card = posts["/teams"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["actions"][0]["url"].endswith(result.run_id)
    assert "宇部市" in posts["/slack"]["text"] and result.run_id in posts["/slack"]["text"]
    assert posts["/lineworks"]["title"].startswith("【kyodo】失敗") and "対処" in posts["/lineworks"]["body"]["text"]


def test_a_notification_failure_never_fails_the_run_and_is_logged(env, user_scenarios, monkeypatch, caplog):
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario

    inbox, receiver = env
    receiver.status = 500  # every chat refuses
    monkeypatch.setenv("KYODO_SECRET_SMTP_PASSWORD", "wrong-password")  # and the mail server refuses the login
    user_scenarios("notify_probe", FAILING)
    with caplog.at_level(logging.WARNING, logger="kyodo.notify"):
        [result] = run_scenario("notify_probe", ["352021"], registry=_registry_with_channels(), store=open_store())
    assert result.status == "failed" and "交付一覧.csv" in (result.error or "")  # the run's own outcome, unchanged
    assert inbox.messages == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ログインできませんでした" in logged and "HTTP 500" in logged
    assert "wrong-password" not in logged and receiver.url not in logged  # no secret in the log


def test_mail_send_action_sends_japanese_mail_with_attachment(env, user_scenarios, kyodo_home):
    from kyodo.runner.registry import load_registry
    from kyodo.runner.store import open_store
    from kyodo.runner.submit import run_scenario
    from tests.conftest import REGISTRY

    inbox, _ = env
    folder = kyodo_home / "data" / "352039"
    folder.mkdir(parents=True)
    (folder / "結果.csv").write_text("番号,状態\n1,済\n", encoding="utf-8")
    user_scenarios("mail_probe", MAILING)
    [result] = run_scenario("mail_probe", ["352039"], registry=load_registry(REGISTRY), store=open_store())
    assert result.status == "succeeded", result.error
    [(rcpts, msg, tls)] = inbox.messages
    assert tls and rcpts == ["zeimu@example.lg.jp", "somu@example.lg.jp"]
    assert msg["Subject"].startswith("山口市 照合結果 ") and msg["From"] == "robot@kyodo.example.lg.jp"
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == "結果.csv" and att.get_payload(decode=True) == "番号,状態\n1,済\n".encode()  # bytes kept as they are


def test_smtp_settings_are_checked_before_anything_is_sent(clean):
    smtp_server, _ = clean
    from kyodo.core.errors import BusinessError
    from kyodo.robots.mail import Mail, parse_smtp_url, send_mail

    with pytest.raises(BusinessError, match="パスワードを書かないで"):
        parse_smtp_url("smtp://user:secret@mail.example.lg.jp:587")
    with pytest.raises(BusinessError, match="読めません"):
        parse_smtp_url("mail.example.lg.jp")
    server = parse_smtp_url(smtp_server.url(user=False))
    with pytest.raises(Exception, match="530|認証|送れません"):  # the server insists on a login
        send_mail(server, Mail(to=["a@example.lg.jp"], subject="件名", body="本文"))
    assert smtp_server.messages == []


def test_notify_test_and_daily_summary_commands(env, kyodo_home):
    from kyodo.runner.cli import app as kyodo

    inbox, _ = env
    r = CliRunner().invoke(kyodo, ["notify", "test"])
    assert r.exit_code == 0, r.output
    assert "送信" in r.output and inbox.messages[-1][1]["Subject"].startswith("【kyodo】通知のテスト")
    r = CliRunner().invoke(kyodo, ["notify", "summary", "--day", "2026-11-26"])
    assert r.exit_code == 0, r.output
    body = inbox.messages[-1][1].get_body().get_content()
    assert "2026年11月26日" in body and "実行はありませんでした" in body
    r = CliRunner().invoke(kyodo, ["notify", "test"], env={"KYODO_SMTP_URL": "smtp://127.0.0.1:1"})
    assert r.exit_code == 1 and "送信失敗" in r.output


def test_runs_found_interrupted_are_reported_too(env, kyodo_home):
    from kyodo.runner.notify.send import notify_interrupted_quietly
    from kyodo.runner.store import open_store

    inbox, receiver = env
    store = open_store()
    r = store.create_run(scenario="tax_reconciliation", version="1", municipality="352021", municipalities=["352021"],
                         trigger="schedule", params={}, artifact_dir="")
    store.update_run(r.id, status="interrupted", error_class="application",
                     error_message="実行中のプロセスが停止したため中断しました。")
    ok = store.create_run(scenario="tax_reconciliation", version="1", municipality="352021", municipalities=["352021"],
                          trigger="schedule", params={}, artifact_dir="")
    store.update_run(ok.id, status="succeeded")
    notify_interrupted_quietly([r.id, ok.id], store, _registry_with_channels())
    [(_, msg, _)] = inbox.messages  # the succeeded one is not news
    body = msg.get_body().get_content()
    assert msg["Subject"].startswith("【kyodo】中断: 宇部市 税務 調定・収納照合")
    assert "「税務 調定・収納照合」は「中断」で終わりました" in body and "同じ条件で再実行する" in body

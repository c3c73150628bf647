"""Scenario action ``mail.send``: mail a result (and its workbooks) to staff."""

from __future__ import annotations

from pathlib import Path

from kyodo.core.errors import BusinessError
from kyodo.core.settings import load_settings
from kyodo.robots import RunContext, action
from kyodo.robots.mail.smtp import Mail, parse_smtp_url, send_mail

SMTP_ENV = "KYODO_SMTP_URL"


def _attachment(ctx: RunContext, name: str) -> Path:
    """A file of this run (its output folder) or of the municipality's input folders."""
    own = (ctx.artifact_dir / name).resolve()
    if own.is_file() and ctx.artifact_dir.resolve() in own.parents:
        return own
    path = ctx.input_path(name)
    if not path.is_file():
        raise BusinessError(f"添付ファイル「{Path(name).name}」が見つかりません。",
                            hint="この実行で作ったファイル名（例: ${report}）か、入力フォルダ内のファイル名を書いてください。")
    return path


@action("mail.send", title="メールを送る", example="""
    - action: mail.send
      with:
        to: [zeimu@example.lg.jp]
        subject: ${municipality.name} 照合結果 ${run.date}
        body: |
          照合が終わりました。添付の結果をご確認ください。
        attachments: ["${report}"]
    """)
def send(ctx: RunContext, *, to: list[str], subject: str, body: str, attachments: list[str] | None = None,
         sender: str | None = None, server: str | None = None, timeout_seconds: float = 20) -> int:
    """メールを送ります（日本語の件名・本文、添付ファイル付き）。

    メールサーバーは環境変数 KYODO_SMTP_URL（例: smtp://kyodo@mail.example.lg.jp:587）で決まります。
    サーバーが対応していれば必ず暗号化（STARTTLS）し、ログインが要るときのパスワードは
    シークレット smtp_password（kyodo secret set smtp_password）から読みます。シナリオに
    パスワードは書きません。

    引数:
      to: 宛先のメールアドレスの一覧。
      subject: 件名。
      body: 本文。
      attachments: 添付するファイル。この実行で作ったファイル（例: ${report}）か入力フォルダ内のファイル。
      sender: 差出人アドレス（省略時は KYODO_SMTP_URL の from=、それもなければ kyodo@ホスト名）。
      server: メールサーバーの指定（省略時は KYODO_SMTP_URL）。
      timeout_seconds: サーバーを待つ最大秒数。

    戻り値: 送った宛先の数。
    """
    url = server or load_settings().smtp_url
    if not url:
        raise BusinessError("メールサーバーが設定されていません。",
                            hint=f"環境変数 {SMTP_ENV} に smtp://ホスト名:ポート を設定してください。")
    smtp = parse_smtp_url(url)
    files = [_attachment(ctx, a) for a in attachments or []]
    mail = Mail(to=[t.strip() for t in to if t.strip()], subject=subject, body=body,
                sender=sender or smtp.sender or f"kyodo@{smtp.host}", attachments=files)
    send_mail(smtp, mail, ctx.secret, timeout=timeout_seconds)
    ctx.log.info("メールを送りました: %d 件の宛先、添付 %d 件", len(mail.to), len(files))
    return len(mail.to)

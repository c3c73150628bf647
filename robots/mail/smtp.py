"""Send one mail over SMTP with smtplib: STARTTLS whenever the server offers it, always before a password."""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kyodo.core.errors import ApplicationError, BusinessError

DEFAULT_PASSWORD_SECRET = "smtp_password"
SecretResolver = Callable[[str], str]


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes. ``user`` set means: log in with the password from secret ``password_secret``."""

    host: str
    port: int = 25
    user: str | None = None
    password_secret: str = DEFAULT_PASSWORD_SECRET
    implicit_tls: bool = False  # smtps:// (port 465)
    starttls: str = "auto"  # auto: when offered (always required before a password) / required / never
    cafile: str | None = None  # a private CA for the office's own mail server
    sender: str | None = None

    def __str__(self) -> str:  # never shows a password: there is none in this object
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    sender: str = "kyodo@localhost"
    attachments: list[Path] = field(default_factory=list)


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://[user@]host[:port][?starttls=required&cafile=/path&password_secret=NAME&from=addr]``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise BusinessError(f"メールサーバーの指定「{url}」が読めません。",
                            hint="smtp://ホスト名:ポート の形で書いてください（例: smtp://mail.example.lg.jp:587）。")
    if parts.password:
        raise BusinessError("メールサーバーのURLにパスワードを書かないでください。",
                            hint=f"パスワードは kyodo secret set {DEFAULT_PASSWORD_SECRET} で登録します。")
    q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    starttls = q.get("starttls", "auto")
    if starttls not in ("auto", "required", "never"):
        raise BusinessError(f"starttls={starttls} は指定できません（auto / required / never）。", where=url)
    implicit = parts.scheme == "smtps"
    return SmtpServer(host=parts.hostname, port=parts.port or (465 if implicit else 25),
                      user=unquote(parts.username) if parts.username else None,
                      password_secret=q.get("password_secret", DEFAULT_PASSWORD_SECRET), implicit_tls=implicit,
                      starttls=starttls, cafile=q.get("cafile"), sender=q.get("from"))


def build_message(mail: Mail) -> EmailMessage:
    """A UTF-8 mail (Japanese subject and body survive every client) with optional attachments."""
    if not mail.to:
        raise BusinessError("メールの宛先がありません。", hint="to に宛先のメールアドレスを1つ以上書いてください。")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = mail.sender, ", ".join(mail.to), mail.subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="kyodo.local")
    msg.set_content(mail.body, charset="utf-8")
    for path in mail.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = ctype.split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def _tls_context(server: SmtpServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=server.cafile)


def send_mail(server: SmtpServer, mail: Mail, secret: SecretResolver | None = None, *, timeout: float = 20) -> None:
    """Deliver ``mail``; raises ApplicationError (Japanese, naming the server) when it cannot."""
    msg = build_message(mail)
    try:
        if server.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=_tls_context(server))
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            client.ehlo()
            if not server.implicit_tls and server.starttls != "never":
                if client.has_extn("starttls"):
                    client.starttls(context=_tls_context(server))
                    client.ehlo()
                elif server.starttls == "required" or server.user:
                    raise ApplicationError(f"メールサーバー {server} は暗号化（STARTTLS）に対応していません。",
                                           hint="パスワードを平文で送らないため、送信を止めました。サーバーの設定を確認してください。")
            if server.user:
                if secret is None:
                    raise BusinessError("メールサーバーのパスワードを読む手段がありません。")
                client.login(server.user, secret(server.password_secret))
            refused = client.send_message(msg)
    except smtplib.SMTPAuthenticationError:
        raise ApplicationError(f"メールサーバー {server} にログインできませんでした（ユーザー {server.user}）。",
                               hint=f"パスワード（シークレット {server.password_secret}）を確認してください。") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise BusinessError(f"宛先がすべて受け付けられませんでした: {', '.join(exc.recipients)}",
                            hint="メールアドレスを確認してください。") from None
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise ApplicationError(f"メールサーバー {server} に送れませんでした: {exc.__class__.__name__}: {exc}",
                               hint="メールサーバーの名前・ポート・ネットワーク（LGWAN の経路）を確認してください。") from None
    if refused:
        raise BusinessError(f"一部の宛先が受け付けられませんでした: {', '.join(refused)}", hint="メールアドレスを確認してください。")

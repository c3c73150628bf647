"""A real SMTP server (aiosmtpd, STARTTLS required, login required) and a real HTTP receiver on loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SMTP_USER, SMTP_PASSWORD = "kyodo", "smtp-pass-9876"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Inbox:
    port: int
    cafile: Path
    messages: list = field(default_factory=list)

    def url(self, user: bool = True) -> str:
        who = f"{SMTP_USER}@" if user else ""
        return f"smtp://{who}127.0.0.1:{self.port}?starttls=required&cafile={self.cafile}&from=robot@kyodo.example.lg.jp"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="package")
def smtp_server(tmp_path_factory):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    folder = tmp_path_factory.mktemp("smtp")
    cert, key = _self_signed(folder)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox = Inbox(0, cert)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            inbox.messages.append((list(envelope.rcpt_tos), msg, session.ssl is not None))
            return "250 OK"

    def auth(server, session, envelope, mechanism, data):
        ok = data.login == SMTP_USER.encode() and data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    inbox.port = _free_port()
    ctl = Controller(Handler(), hostname="127.0.0.1", port=inbox.port, tls_context=tls, require_starttls=True,
                     auth_required=True, authenticator=auth, auth_require_tls=True)
    ctl.start()
    try:
        yield inbox
    finally:
        ctl.stop()


@dataclass
class Receiver:
    url: str
    posts: list = field(default_factory=list)
    status: int = 200


@pytest.fixture(scope="package")
def http_receiver():
    box = Receiver("")

    class H(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            box.posts.append((self.path, json.loads(body)))
            self.send_response(box.status)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def clean(smtp_server, http_receiver):
    smtp_server.messages.clear()
    http_receiver.posts.clear()
    http_receiver.status = 200
    return smtp_server, http_receiver

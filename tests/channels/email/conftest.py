"""Email channel fixtures: real mail servers on loopback (Debian's dovecot for IMAP, aiosmtpd for SMTP),
a configured mailbox, and a builder for raw test messages.

Dovecot runs in the foreground from a throwaway config in a temp dir: its own base_dir, a passwd-file
for users, maildirs in the temp dir owned by `nobody`, TLS with a self-signed certificate. Nothing
under /etc or any system service is touched.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from frontline.channels.email.models import Mailbox
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.kit.db import Database, utcnow
from frontline.kit.settings import Settings

DOVECOT = Path("/usr/sbin/dovecot")
MAIL_USER = "support"
MAIL_PASSWORD = "imap-secret-1"
SMTP_USER = "relay"
SMTP_PASSWORD = "smtp-secret-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening")


@dataclass
class Dovecot:
    root: Path
    port: int
    ssl_port: int
    cert: Path
    process: subprocess.Popen[bytes]

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.starttls(ssl.create_default_context(cafile=str(self.cert)))
        client.login(MAIL_USER, MAIL_PASSWORD)
        return client

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        """Deliver messages into a folder the way a mail client would: IMAP APPEND."""
        client = self.connect()
        try:
            for raw in raws:
                client.append(folder, None, None, raw)
        finally:
            client.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[bytes, bool]]:
        """(raw bytes, seen?) of every message in a folder."""
        client = self.connect()
        try:
            client.select(folder, readonly=True)
            _, data = client.uid("SEARCH", "ALL")
            found = []
            for uid in data[0].split():
                _, parts = client.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                item = parts[0]
                assert isinstance(item, tuple)
                found.append((item[1], b"\\Seen" in item[0]))
            return found
        finally:
            client.logout()

    def clear(self) -> None:
        client = self.connect()
        try:
            _, folders = client.list()
            for line in folders:
                name = bytes(line).decode().rsplit(" ", 1)[-1].strip('"')  # type: ignore[arg-type]
                _, count = client.select(name)
                if count and count[0] not in (b"0", None):
                    client.store("1:*", "+FLAGS", "\\Deleted")
                    client.expunge()
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot(root: Path, cert: Path, key: Path) -> Dovecot:
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    mail = root / "mail"
    mail.mkdir()
    if os.geteuid() == 0:
        shutil.chown(mail, "nobody", "nogroup")
    uid, gid = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    (root / "users").write_text(f"{MAIL_USER}:{{PLAIN}}{MAIL_PASSWORD}:{uid}:{gid}::{mail}/{MAIL_USER}::\n")
    port, ssl_port = free_port(), free_port()
    dh = "ssl_dh = </usr/share/dovecot/dh.pem" if Path("/usr/share/dovecot/dh.pem").exists() else ""
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
{dh}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Processed {{
    auto = create
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
"""
    (root / "dovecot.conf").write_text(config)
    process = subprocess.Popen([str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _wait_for_port(port, process, root / "dovecot.log")
    _wait_for_port(ssl_port, process, root / "dovecot.log")
    return Dovecot(root, port, ssl_port, cert, process)


@dataclass
class Captured:
    envelope_from: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.raw)


@dataclass
class SmtpCapture:
    """What the test SMTP server received; `reject` makes it answer RCPT with a code."""

    messages: list[Captured] = field(default_factory=list)
    reject: tuple[int, str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.reject is not None:
            return f"{self.reject[0]} {self.reject[1]}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(Captured(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == SMTP_USER.encode() and \
        data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok)


def start_smtp(capture: SmtpCapture, cert: Path, key: Path, *, implicit_tls: bool = False) -> tuple[Controller, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    port = free_port()
    # on an implicit-TLS port aiosmtpd does not see the TLS layer itself: the whole connection is TLS anyway
    kwargs: dict[str, Any] = {"authenticator": _authenticator, "auth_require_tls": not implicit_tls}
    if implicit_tls:
        controller = Controller(capture, hostname="127.0.0.1", port=port, ssl_context=context, **kwargs)
    else:
        controller = Controller(capture, hostname="127.0.0.1", port=port, tls_context=context, **kwargs)
    controller.start()
    return controller, port


def make_mail(
    *, sender: str = "Ivan Petrov <ivan@client.example>", to: str = "support@desk.example", subject: str = "Help",
    body: str = "Hello, the printer is broken again.", message_id: str | None = "auto", cc: str | None = None,
    in_reply_to: str | None = None, references: str | None = None, headers: dict[str, str] | None = None,
) -> bytes:
    """A small RFC 822 message; `message_id=None` leaves the header out, "auto" makes a fresh one."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {format_datetime(utcnow())}"]
    if message_id == "auto":
        message_id = make_msgid(domain="client.example")
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    if cc:
        lines.append(f"Cc: {cc}")
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {references}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.fixture(scope="session")
def mail_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("mailcert"))


@pytest.fixture(scope="session")
def dovecot_server(tmp_path_factory: pytest.TempPathFactory, mail_cert: tuple[Path, Path]) -> Iterator[Dovecot]:
    if not DOVECOT.exists():
        pytest.skip("dovecot is not installed: run `make test` (scripts/system-deps.sh installs dovecot-imapd)")
    # its own temp dir: pytest's are private to root, and dovecot's mail processes run as `nobody`
    server = start_dovecot(Path(tempfile.mkdtemp(prefix="frontline-dovecot-")), *mail_cert)
    yield server
    server.stop()


@pytest.fixture
def imap(dovecot_server: Dovecot) -> Dovecot:
    dovecot_server.clear()
    return dovecot_server


@pytest.fixture
def smtp(mail_cert: tuple[Path, Path]) -> Iterator[tuple[SmtpCapture, int]]:
    """A STARTTLS + AUTH SMTP server capturing what it receives: (capture, port)."""
    capture = SmtpCapture()
    controller, port = start_smtp(capture, *mail_cert)
    yield capture, port
    controller.stop()


@pytest.fixture
def email_settings(settings: Settings, mail_cert: tuple[Path, Path]) -> Settings:
    return settings.model_copy(update={"email_ca_file": mail_cert[0], "email_retry_base_seconds": 0})


@pytest.fixture
def mailbox(database: Database, desk: Any) -> Mailbox:
    with database.session() as db:
        return create_mailbox(db, MailboxCreate(name="support", address="support@desk.example",
                                                display_name="Desk Support", team_id=desk.l1.id))


@pytest.fixture
def app(settings: Settings, email_settings: Settings):  # type: ignore[no-untyped-def]
    """The web app without its in-process job runner: these tests poll and send by hand, step by step (the
    runner's own tests, tests/channels/email/test_mail_flow.py, start it themselves)."""
    from frontline.api.app import create_app

    return create_app(email_settings.model_copy(update={"jobs_in_process": False}))

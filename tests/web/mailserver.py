"""A real SMTP server (aiosmtpd, STARTTLS + AUTH, from the email channel's test fixtures) and a mailbox that
sends through it, for web tests whose pages send mail. Import the `*_fixture` names into a test module to
use `mail_cert`, `settings` (trusting the server's certificate), `smtp` and `outbound_mailbox`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from frontline.channels.email.models import Mailbox
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from tests.channels.email.conftest import SMTP_PASSWORD, SMTP_USER, SmtpCapture, make_certificate, start_smtp


@pytest.fixture(scope="session", name="mail_cert")
def mail_cert_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("webmailcert"))


@pytest.fixture(name="settings")
def mail_settings(database_url: str, tmp_path: Path, mail_cert: tuple[Path, Path]) -> Settings:
    """The suite's settings, trusting the test mail server's certificate."""
    return Settings(
        database_url=database_url, data_dir=tmp_path / "data", secret_key="test-secret",  # type: ignore[arg-type]
        max_attachment_bytes=1024 * 1024, log_json=False, email_ca_file=mail_cert[0], email_retry_base_seconds=0,
    )


@pytest.fixture(name="smtp")
def smtp_fixture(mail_cert: tuple[Path, Path]) -> Iterator[tuple[SmtpCapture, int]]:
    capture = SmtpCapture()
    controller, port = start_smtp(capture, *mail_cert)
    yield capture, port
    controller.stop()


@pytest.fixture(name="outbound_mailbox")
def outbound_mailbox_fixture(database: Database, desk, smtp) -> Mailbox:  # type: ignore[no-untyped-def]
    _capture, port = smtp
    with database.session() as db:
        return create_mailbox(db, MailboxCreate.model_validate({
            "name": "support", "address": "support@desk.example", "display_name": "Desk Support",
            "team_id": desk.l1.id, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "starttls",
            "smtp_user": SMTP_USER, "smtp_password": SMTP_PASSWORD}))


def text_of(message: Message) -> str:
    """The text/plain part of a received mail."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def code_in(message: Message) -> str:
    match = re.search(r"\b(\d{6})\b", text_of(message))
    assert match, "no code in the mail"
    return match.group(1)

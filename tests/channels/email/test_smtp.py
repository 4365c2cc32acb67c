"""SMTP transport against a real aiosmtpd server: implicit TLS, STARTTLS, auth, failure classes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontline.channels.email.smtp import (
    OutgoingMail,
    PermanentFailure,
    SmtpServer,
    TemporaryFailure,
    compose,
    send,
)
from frontline.kit.settings import Settings
from tests.channels.email.conftest import SMTP_PASSWORD, SMTP_USER, SmtpCapture, free_port, start_smtp

MAIL = OutgoingMail(from_address="support@desk.example", from_name="Desk", to=["ivan@client.example"],
                    subject="Re: Тест [FL-10001]", text="Привет", message_id="<fl.10001.abc@desk.example>",
                    in_reply_to="<q@client.example>", references=["<q@client.example>"])


@pytest.fixture
def smtps(mail_cert: tuple[Path, Path]) -> Iterator[tuple[SmtpCapture, int]]:
    capture = SmtpCapture()
    controller, port = start_smtp(capture, *mail_cert, implicit_tls=True)
    yield capture, port
    controller.stop()


def test_implicit_tls_with_login_delivers_utf8_mail(email_settings: Settings,
                                                    smtps: tuple[SmtpCapture, int]) -> None:
    capture, port = smtps
    server = SmtpServer("127.0.0.1", port, "ssl", SMTP_USER, SMTP_PASSWORD)
    assert send(server, email_settings, compose(MAIL), "support@desk.example", MAIL.to) == {}
    [got] = capture.messages
    assert got.message["Message-ID"] == MAIL.message_id and got.message["In-Reply-To"] == "<q@client.example>"
    assert "FL-10001" in str(got.message["Subject"])
    assert SMTP_PASSWORD not in repr(server)


def test_untrusted_certificate_and_no_server_are_temporary(settings: Settings,
                                                          smtp: tuple[SmtpCapture, int]) -> None:
    _, port = smtp
    with pytest.raises(TemporaryFailure, match="SSL"):  # our CA file not configured: the certificate is refused
        send(SmtpServer("127.0.0.1", port, "starttls", SMTP_USER, SMTP_PASSWORD), settings, compose(MAIL),
             "support@desk.example", MAIL.to)
    with pytest.raises(TemporaryFailure):
        send(SmtpServer("127.0.0.1", free_port(), "none"), settings, compose(MAIL), "a@b.example", MAIL.to)


def test_rejections_are_classified_by_code(email_settings: Settings, smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    server = SmtpServer("127.0.0.1", port, "starttls", SMTP_USER, SMTP_PASSWORD)
    capture.reject = (550, "5.1.1 unknown user")
    with pytest.raises(PermanentFailure, match="550"):
        send(server, email_settings, compose(MAIL), "support@desk.example", MAIL.to)
    capture.reject = (452, "4.2.2 mailbox full")
    with pytest.raises(TemporaryFailure, match="452"):
        send(server, email_settings, compose(MAIL), "support@desk.example", MAIL.to)
    assert capture.messages == []

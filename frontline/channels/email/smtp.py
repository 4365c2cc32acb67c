"""Outgoing mail mechanics: compose a MIME message, hand it to an SMTP server, classify failures.

Failures are sorted into temporary (retry later: network, 4xx, login problems an admin can fix)
and permanent (5xx for every recipient): the outbound queue treats them differently.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from frontline.kit.db import utcnow
from frontline.kit.settings import Settings

TIMEOUT = 30.0


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """The server refused the message for good."""


@dataclass
class SmtpServer:
    host: str
    port: int
    security: str  # ssl | starttls | none
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never show the password in logs or tracebacks
        return f"SmtpServer({self.host}:{self.port}, {self.security}, user={self.user!r})"


@dataclass
class OutgoingMail:
    from_address: str
    from_name: str
    to: list[str]
    subject: str
    text: str
    message_id: str
    cc: list[str] = field(default_factory=list)
    html_body: str | None = None
    reply_to: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    automatic: bool = False


def tls_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.email_ca_file is not None:
        context.load_verify_locations(cafile=str(settings.email_ca_file))
    return context


def text_to_html(text: str) -> str:
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs) or "<p></p>"


def compose(mail: OutgoingMail) -> EmailMessage:
    """multipart/alternative (text + HTML), wrapped in multipart/mixed when there are attachments."""
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((mail.from_name, mail.from_address))
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = mail.message_id
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        message["References"] = " ".join(mail.references)
    if mail.automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail.text or " ")
    message.add_alternative(mail.html_body or text_to_html(mail.text), subtype="html")
    for filename, content_type, content in mail.attachments:
        maintype, _, subtype = content_type.partition("/")
        if not subtype or "/" in subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _connect(server: SmtpServer, settings: Settings) -> smtplib.SMTP:
    if server.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                context=tls_context(settings))
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        if server.security == "starttls":
            client.starttls(context=tls_context(settings))
    if server.user:
        client.login(server.user, server.password or "")
    return client


def _raise_for_code(code: int, text: str) -> None:
    if 500 <= code < 600:
        raise PermanentFailure(f"{code} {text}")
    raise TemporaryFailure(f"{code} {text}")


def send(server: SmtpServer, settings: Settings, message: EmailMessage, envelope_from: str,
         recipients: list[str]) -> dict[str, str]:
    """Send; returns the recipients refused while others were accepted (address -> reason)."""
    try:
        with _connect(server, settings) as client:
            refused = client.send_message(message, from_addr=envelope_from, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(f"{a}: {c} {m.decode(errors='replace') if isinstance(m, bytes) else m}"
                           for a, (c, m) in error.recipients.items())
        if codes and all(500 <= c < 600 for c in codes):
            raise PermanentFailure(detail) from error
        raise TemporaryFailure(detail) from error
    except smtplib.SMTPAuthenticationError as error:
        raise TemporaryFailure(f"login refused ({error.smtp_code}); check the mailbox's SMTP user") from error
    except smtplib.SMTPResponseException as error:
        message_text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(
            error.smtp_error)
        _raise_for_code(error.smtp_code, message_text)
        raise  # unreachable: _raise_for_code always raises
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    return {address: f"{code} {text!r}" for address, (code, text) in refused.items()}

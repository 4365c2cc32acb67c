"""API shapes for mailboxes and raw-message intake. Passwords go in, never out."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field, SecretStr, field_validator

from frontline.accounts.models import Line
from frontline.channels.email.charsets import normalize_charset
from frontline.channels.email.models import ClosedReply, Security
from frontline.kit.schemas import Id, Input, Output
from frontline.tickets.schemas import PriorityName

NAME = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class MailboxFields(Input):
    """Everything but the name; shared by create and update (update makes every field optional)."""

    address: EmailStr | None = None
    display_name: str | None = Field(default=None, max_length=200)
    team_id: Id | None = None
    default_line: Line | None = None
    default_priority: PriorityName | None = None
    imap_host: str | None = Field(default=None, max_length=255)
    imap_port: int | None = Field(default=None, ge=1, le=65535)
    imap_security: Security | None = None
    imap_user: str | None = Field(default=None, max_length=320)
    imap_password: SecretStr | None = None
    imap_folder: str | None = Field(default=None, min_length=1, max_length=200)
    imap_move_to: str | None = Field(default=None, max_length=200)
    smtp_host: str | None = Field(default=None, max_length=255)
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_security: Security | None = None
    smtp_user: str | None = Field(default=None, max_length=320)
    smtp_password: SecretStr | None = None
    reply_token: bool | None = Field(default=None, description="Put a reply token in Reply-To (plus-addressing).")
    auto_ack: bool | None = Field(default=None, description="Acknowledge new tickets by mail.")
    auto_ack_subject_en: str | None = Field(default=None, max_length=500)
    auto_ack_body_en: str | None = Field(default=None, max_length=20_000)
    auto_ack_subject_ru: str | None = Field(default=None, max_length=500)
    auto_ack_body_ru: str | None = Field(default=None, max_length=20_000)
    closed_reply: ClosedReply | None = Field(
        default=None, description="A reply to a closed ticket: 'follow_up' opens a linked ticket, 'reopen' reopens.",
    )
    fallback_charsets: list[str] | None = Field(
        default=None, max_length=10,
        description="Charsets tried in order for undeclared 8-bit mail that is not UTF-8, e.g. "
                    "['windows-1251', 'koi8-r'] for a Russian desk, ['windows-1250', 'iso-8859-2'] for a Czech one.",
    )
    verp_address: EmailStr | None = Field(
        default=None, description="VERP: mail goes out with the envelope sender <local>+<token>@<domain> of this "
                                  "address (e.g. bounce@desk.example), so a bounce finds the exact message. Empty: "
                                  "the mailbox's address. The server must deliver <local>+*@ to this mailbox.",
    )
    poll_interval_seconds: int | None = Field(
        default=None, ge=10, le=86_400, description="Check the IMAP server for new mail this often (default 60).")
    is_active: bool | None = None

    @field_validator("fallback_charsets")
    @classmethod
    def _known_charsets(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [label.strip().lower() for label in value if label.strip()]
        unknown = [label for label in cleaned if normalize_charset(label) is None or "," in label]
        if unknown:
            raise ValueError(f"unknown charset '{unknown[0]}'")
        if not cleaned:
            raise ValueError("name at least one charset")
        return list(dict.fromkeys(cleaned))


class MailboxCreate(MailboxFields):
    name: str = NAME
    address: EmailStr


class MailboxUpdate(MailboxFields):
    """Only the fields present change."""


class MailboxOut(Output):
    id: int
    name: str
    address: str
    display_name: str
    team_id: int | None
    default_line: str | None
    default_priority: str
    imap_host: str | None
    imap_port: int | None
    imap_security: str
    imap_user: str | None
    imap_password_set: bool
    imap_folder: str
    imap_move_to: str | None
    smtp_host: str | None
    smtp_port: int | None
    smtp_security: str
    smtp_user: str | None
    smtp_password_set: bool
    reply_token: bool
    auto_ack: bool
    auto_ack_subject_en: str
    auto_ack_body_en: str
    auto_ack_subject_ru: str
    auto_ack_body_ru: str
    closed_reply: str
    fallback_charsets: list[str]
    verp_address: str | None
    poll_interval_seconds: int
    last_poll_at: datetime | None = Field(description="When the desk last checked the IMAP server.")
    last_poll_ok_at: datetime | None = Field(description="When a check last succeeded.")
    last_poll_error: str | None = Field(description="How the last check failed ('<kind>: <detail>'), else null.")
    is_active: bool
    created_at: datetime


class IntakeTokenCreate(Input):
    name: str = Field(default="mail relay", min_length=1, max_length=120)


class IntakeOut(Output):
    raw_id: int
    status: str
    duplicate: bool
    ticket_id: int | None
    ticket_number: str | None
    message_id: int | None
    warnings: list[str]


class SenderConfirmedOut(Output):
    ticket_id: int
    address: str


class RawEmailOut(Output):
    id: int
    mailbox_id: int
    header_message_id: str | None
    sha256: str
    size: int
    source: str
    status: str
    from_address: str | None
    ticket_id: int | None
    message_id: int | None
    warnings: list[str] | None
    attempts: int
    last_error: str | None
    received_at: datetime
    processed_at: datetime | None

"""Email channel tables: mailboxes, every raw message received, outbound mail and per-ticket email state.

The raw message is the source of truth: it is stored (compressed) before anything else looks at it,
and the (mailbox, dedup key) uniqueness is what makes redelivery harmless.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontline.channels.email.rawstore import RawStatus
from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow

DEFAULT_CHARSETS = "windows-1252, windows-1251, koi8-r"
"""Tried in order for undeclared 8-bit text that is not UTF-8 (charsets.DEFAULT_LABELS)."""


class Security(StrEnum):
    ssl = "ssl"
    starttls = "starttls"
    none = "none"


class ClosedReply(StrEnum):
    """What a reply to a closed ticket does."""

    follow_up = "follow_up"
    reopen = "reopen"


class Mailbox(Base):
    __tablename__ = "mailbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    address: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    default_line: Mapped[str | None] = mapped_column(String(2))
    default_priority: Mapped[str] = mapped_column(String(10), default="normal")
    imap_host: Mapped[str | None] = mapped_column(String(255))
    imap_port: Mapped[int | None] = mapped_column(Integer)
    imap_security: Mapped[str] = mapped_column(String(10), default=Security.ssl)
    imap_user: Mapped[str | None] = mapped_column(String(320))
    imap_password: Mapped[str | None] = mapped_column(String(500))
    imap_folder: Mapped[str] = mapped_column(String(200), default="INBOX")
    imap_move_to: Mapped[str | None] = mapped_column(String(200))
    smtp_host: Mapped[str | None] = mapped_column(String(255))
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str] = mapped_column(String(10), default=Security.starttls)
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    smtp_password: Mapped[str | None] = mapped_column(String(500))
    reply_token: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_ack: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_ack_subject_en: Mapped[str] = mapped_column(Text, default="")
    auto_ack_body_en: Mapped[str] = mapped_column(Text, default="")
    auto_ack_subject_ru: Mapped[str] = mapped_column(Text, default="")
    auto_ack_body_ru: Mapped[str] = mapped_column(Text, default="")
    closed_reply: Mapped[str] = mapped_column(String(12), default=ClosedReply.follow_up)
    fallback_charsets: Mapped[str] = mapped_column(String(300), default=DEFAULT_CHARSETS)
    verp_address: Mapped[str | None] = mapped_column(String(320))
    # polling (channels/email/jobs.py): how often, and how the last poll went (shown on the admin page)
    poll_interval_seconds: Mapped[int] = mapped_column(Integer, default=60)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_poll_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_poll_error: Mapped[str | None] = mapped_column(Text)  # "<problem>: <detail>", problem as in check.py
    poll_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RawEmail(Base):
    """One received message, byte for byte (zlib), and what it became."""

    __tablename__ = "raw_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(64))
    header_message_id: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=RawStatus.received)
    from_address: Mapped[str | None] = mapped_column(String(320))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    warnings: Mapped[list[str] | None] = mapped_column(JSONType)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")  # failed processing attempts
    last_error: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("mailbox_id", "dedup_key", name="uq_raw_email_mailbox_dedup"),
        Index("ix_raw_email_header_message_id", "header_message_id"),
        Index("ix_raw_email_ticket", "ticket_id"),
        Index("ix_raw_email_status", "status", "id"),
        Index("ix_raw_email_sender", "from_address", "status", "received_at"),
    )


class EmailTicket(Base):
    """Which mailbox a ticket's mail goes through, and the address the customer writes from."""

    __tablename__ = "email_ticket"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id", ondelete="CASCADE"))
    customer_address: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketCc(Base):
    """People copied on a ticket's mail: their mail joins the ticket, and our replies copy them."""

    __tablename__ = "ticket_cc"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboundKind(StrEnum):
    reply = "reply"
    auto_ack = "auto_ack"


class OutboundStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class EmailOutbound(Base):
    """One mail we send (an agent's reply or an auto-acknowledgement), its Message-ID and delivery state."""

    __tablename__ = "email_outbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), unique=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id", ondelete="CASCADE"))
    header_message_id: Mapped[str] = mapped_column(String(255), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=OutboundStatus.pending)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_email_outbound_due", "status", "next_attempt_at"),
        Index("ix_email_outbound_to", "to_address", "kind", "created_at"),
        Index("ix_email_outbound_ticket", "ticket_id", "id"),
    )


class MailboxToken(Base):
    """An integration token that may deliver raw mail to one mailbox (and do nothing else)."""

    __tablename__ = "mailbox_token"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id", ondelete="CASCADE"), index=True)

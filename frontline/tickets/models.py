"""Tickets, their messages, attachments, tags, categories and change history."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow

FIRST_TICKET_NUMBER = 10001


class Status(StrEnum):
    new = "new"
    open = "open"
    pending = "pending"
    on_hold = "on_hold"
    solved = "solved"
    closed = "closed"


class Priority(IntEnum):
    """Stored as a rank so queues sort by it; the API speaks the names."""

    low = 0
    normal = 1
    high = 2
    urgent = 3


class Channel(StrEnum):
    email = "email"
    web = "web"
    chat = "chat"
    phone = "phone"
    telegram = "telegram"
    api = "api"
    portal = "portal"


class MessageKind(StrEnum):
    inbound = "inbound"
    reply = "reply"
    note = "note"


class Ticket(Base):
    """A customer's request. The primary key doubles as the ticket number (FL-10042): both
    databases hand out key values that are never reused, and the first one is 10001."""

    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default=Status.new)
    priority: Mapped[int] = mapped_column(SmallInteger, default=Priority.normal)
    channel: Mapped[str] = mapped_column(String(12), default=Channel.api)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    line: Mapped[str | None] = mapped_column(String(2))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_ticket_queue", "team_id", "status", "priority", "created_at", "id"),
        Index("ix_ticket_assignee", "assignee_id", "status", "priority", "created_at"),
        # A customer's tickets (the ticket page's panel, the contact page); only tickets with a customer, so
        # that a desk where most have none still reads it (migration 0006).
        Index("ix_ticket_contact", "contact_id", "created_at", sqlite_where=text("contact_id IS NOT NULL"),
              postgresql_where=text("contact_id IS NOT NULL")),
        Index("ix_ticket_status_created", "status", "priority", "created_at", "id"),
        Index("ix_ticket_created", "created_at", "id"),
        Index("ix_ticket_org", "organisation_id", "created_at"),
        # The line queues (L1-L3) and their counts; only tickets with a line, so that a desk with one line
        # or none (every line empty) does not make the planner judge it useless (migration 0005).
        Index("ix_ticket_line_queue", "line", "status", "priority", "created_at", "id",
              sqlite_where=text("line IS NOT NULL"), postgresql_where=text("line IS NOT NULL")),
        # The team-unassigned queue: one ordered range per team, status and priority (web/queues.py).
        Index("ix_ticket_unassigned_queue", "team_id", "status", "priority", "created_at", "id",
              sqlite_where=text("assignee_id IS NULL"), postgresql_where=text("assignee_id IS NULL")),
        {"sqlite_autoincrement": True},
    )


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class TicketTag(Base):
    __tablename__ = "ticket_tag"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_ticket_tag_tag", "tag_id", "ticket_id"),)


class Message(Base):
    """One entry of a conversation: the customer's message, an agent's public reply or an internal note."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(12))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    author_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    delivery_status: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_message_ticket", "ticket_id", "id"),)


class Attachment(Base):
    """File metadata; the bytes live content-addressed on disk under data_dir/attachments."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketEvent(Base):
    """The ticket's history: who changed what, when, from which value to which."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_ticket_event_ticket", "ticket_id", "id"),)


class LinkRevocation(Base):
    """Customer links of a ticket, or of every ticket of a contact, issued before `revoked_at` are void."""

    __tablename__ = "link_revocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_link_revocation_ticket", "ticket_id", "revoked_at"),
        Index("ix_link_revocation_contact", "contact_id", "revoked_at"),
    )

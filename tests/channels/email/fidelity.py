"""Helpers for the mail-fidelity tests (issue 12): our own fixture messages, delivered through the real batched
intake, and what the desk stored from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from frontline.channels.email import intake
from frontline.channels.email.intake import IntakeResult
from frontline.channels.email.models import EmailOutbound, Mailbox, RawEmail
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Attachment, Message, Ticket, TicketEvent

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str, **values: object) -> bytes:
    """A message from tests/channels/email/fixtures, with `{placeholders}` filled in."""
    raw = (FIXTURES / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(b"{" + key.encode() + b"}", str(value).encode())
    return raw


def deliver(database: Database, settings: Settings, mailbox: Mailbox, *raws: bytes) -> list[IntakeResult]:
    """Through the batched intake, as the IMAP poller and a Maildir import deliver mail."""
    return intake.ingest_batch(database, settings, mailbox.id, list(raws), source="test")


@dataclass
class Stored:
    """What the desk made of one delivered mail."""

    raw: RawEmail
    ticket: Ticket | None
    message: Message | None
    notes: list[str]
    attachments: list[str]
    events: list[str]
    acks: int

    @property
    def meta(self) -> dict[str, Any]:
        meta = self.message.meta if self.message is not None else None
        return dict(meta["email"]) if meta else {}


def stored(database: Database, result: IntakeResult) -> Stored:
    with database.session(write=False) as db:
        raw = db.get(RawEmail, result.raw_id)
        assert raw is not None
        ticket = db.get(Ticket, result.ticket_id) if result.ticket_id else None
        message = db.get(Message, result.message_id) if result.message_id else None
        notes = list(db.scalars(select(Message.body_text).where(Message.ticket_id == result.ticket_id,
                                                                 Message.kind == "note").order_by(Message.id)))
        files = list(db.scalars(select(Attachment.filename).where(Attachment.message_id == result.message_id)
                                .order_by(Attachment.id))) if result.message_id else []
        events = list(db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == result.ticket_id)
                                 .order_by(TicketEvent.id)))
        acks = len(db.scalars(select(EmailOutbound.id).where(EmailOutbound.ticket_id == result.ticket_id,
                                                             EmailOutbound.kind == "auto_ack")).all())
        for row in (raw, ticket, message):
            if row is not None:
                db.expunge(row)
    return Stored(raw, ticket, message, notes, files, events, acks)

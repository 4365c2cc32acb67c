"""The conversation on a ticket: customers' messages, agents' replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput, InvalidTransition
from frontline.kit.rawsql import Raw
from frontline.tickets import history, hooks
from frontline.tickets.models import Attachment, Message, MessageKind, Status, Ticket
from frontline.tickets.sanitize import clean_html
from frontline.tickets.schemas import MessageCreate
from frontline.tickets.service import set_status
from frontline.tickets.storage import store_stream

PUBLIC_KINDS = (MessageKind.inbound, MessageKind.reply)


def safe_filename(name: str | None) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip(" .")
    return name[:200] or "attachment"


def upload_attachment(
    db: Session, data_dir: Path, ticket: Ticket, stream: BinaryIO, *, filename: str | None,
    content_type: str | None, limit: int, uploader_id: int | None,
) -> Attachment:
    """Store an upload against a ticket; a message claims it later by id."""
    sha, size = store_stream(data_dir, stream, limit=limit)
    attachment = Attachment(
        ticket_id=ticket.id, sha256=sha, filename=safe_filename(filename),
        content_type=(content_type or "application/octet-stream")[:200], size=size, uploaded_by_id=uploader_id,
    )
    db.add(attachment)
    db.flush()
    return attachment


def _claim_attachments(db: Session, ticket_id: int, message_id: int, ids: Sequence[int]) -> None:
    if not ids:
        return
    rows = db.scalars(select(Attachment).where(Attachment.id.in_(ids))).all()
    usable = {a.id for a in rows if a.ticket_id == ticket_id and a.message_id is None}
    missing = [i for i in ids if i not in usable]
    if missing:
        raise InvalidInput(f"Attachment {missing[0]} does not exist on this ticket or is already used.")
    db.execute(update(Attachment).where(Attachment.id.in_(ids)).values(message_id=message_id))


def add_agent_message(db: Session, ticket: Ticket, data: MessageCreate, actor: Principal) -> Message:
    """A public reply or an internal note. The first public reply stamps the first response time."""
    if ticket.status == Status.closed and data.kind == MessageKind.reply:
        raise InvalidTransition("This ticket is closed. Reply on a follow-up ticket instead.")
    now = utcnow()
    message = Message(
        ticket_id=ticket.id, kind=data.kind, channel=ticket.channel, author_user_id=actor.user_id,
        body_text=data.body_text, body_html=clean_html(data.body_html) if data.body_html else None,
        delivery_status="pending" if data.kind == MessageKind.reply else None, created_at=now,
    )
    db.add(message)
    db.flush()
    _claim_attachments(db, ticket.id, message.id, data.attachment_ids)
    if data.kind == MessageKind.reply:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if data.status is None and ticket.status == Status.new:
            set_status(db, ticket, Status.open, actor)
    if data.status is not None:
        set_status(db, ticket, data.status, actor)
    history.record(db, ticket.id, "message", actor, data={"message_id": message.id, "kind": data.kind})
    ticket.updated_at = now
    db.flush()
    hooks.emit(db, hooks.TicketEvent("agent_message", ticket.id, actor, message_id=message.id, text=data.body_text,
                                     public=data.kind == MessageKind.reply))
    return message


class TicketState(Protocol):
    """What adding a customer's message needs to know of the ticket: the ORM row or a plain-SQL one."""

    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def contact_id(self) -> int | None: ...


class _Author(Enum):
    customer = "the ticket's customer"


def add_customer_message(
    db: Session, ticket: TicketState, body_text: str, actor: Principal | None, *, attachment_ids: Sequence[int] = (),
    channel: str, author_contact_id: int | _Author | None = _Author.customer, new_text: str | None = None,
) -> int:
    """The customer writes again (portal, API, e-mail): the message, its history entry and the ticket's
    `updated_at` in plain SQL (e-mail intake runs this for every reply); a waiting ticket becomes open and a
    solved one reopens (`set_status`, with its listeners). The `customer_message` listeners get `new_text` when
    given (the e-mail path: what the mail adds to the quoted conversation), else the whole text. The author is
    the ticket's customer unless named (an e-mail from someone else: their contact, or None). Returns the
    message's id."""
    if ticket.status == Status.closed:
        raise InvalidTransition("This ticket is closed. Please open a new request.")
    raw = Raw(db)
    now = utcnow()
    author = ticket.contact_id if author_contact_id is _Author.customer else author_contact_id
    message_id = int(raw.value(
        "INSERT INTO message (ticket_id, kind, channel, author_contact_id, body_text, created_at)"
        " VALUES (:t, 'inbound', :channel, :author, :body, :now) RETURNING id",
        {"t": ticket.id, "channel": channel, "author": author, "body": body_text, "now": raw.time(now)},
    ))
    _claim_attachments(db, ticket.id, message_id, attachment_ids)
    loaded = ticket if isinstance(ticket, Ticket) else db.identity_map.get(identity_key(Ticket, ticket.id))
    if ticket.status in (Status.pending, Status.on_hold, Status.solved):
        loaded = loaded if isinstance(loaded, Ticket) else db.get(Ticket, ticket.id)
        assert loaded is not None
        set_status(db, loaded, Status.open, actor)
    history.write(raw, [history.entry(ticket.id, "message", actor,
                                      data={"message_id": message_id, "kind": MessageKind.inbound.value})], now)
    if isinstance(loaded, Ticket):
        loaded.updated_at = now
        db.flush()
    else:
        raw.run("UPDATE ticket SET updated_at = :now WHERE id = :t", {"now": raw.time(now), "t": ticket.id})
    if hooks.emit(db, hooks.TicketEvent("customer_message", ticket.id, actor, message_id=message_id,
                                        text=body_text if new_text is None else new_text)):
        db.flush()
    return message_id


def list_messages(db: Session, ticket_id: int, *, public_only: bool = False) -> Sequence[Message]:
    query = select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
    if public_only:
        query = query.where(Message.kind.in_(PUBLIC_KINDS))
    return db.scalars(query).all()


def attachments_of(db: Session, message_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    result: dict[int, list[Attachment]] = {mid: [] for mid in message_ids}
    if message_ids:
        for att in db.scalars(select(Attachment).where(Attachment.message_id.in_(message_ids)).order_by(Attachment.id)):
            result[att.message_id or 0].append(att)
    return result

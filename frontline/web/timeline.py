"""One conversation timeline: messages and the history events worth showing, in time order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import User
from frontline.contacts.models import Contact
from frontline.tickets.messages import attachments_of, list_messages
from frontline.tickets.models import Attachment, Message, TicketEvent

SHOWN_EVENTS = ("created", "changed", "reopened", "escalated", "merged")


@dataclass
class Entry:
    at: datetime
    kind: str  # inbound, reply, note, event
    author: str
    message: Message | None = None
    html: Markup | None = None
    attachments: Sequence[Attachment] = ()
    event: TicketEvent | None = None


def _names(db: Session, user_ids: set[int], contact_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    users = dict(db.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    contacts = (dict(db.execute(select(Contact.id, Contact.name).where(Contact.id.in_(contact_ids))).all())
                if contact_ids else {})
    return users, contacts


def safe_html(stored: str | None) -> Markup | None:
    """Message HTML is sanitised once, on the way in (tickets/sanitize.py, nh3): every writer goes through
    the services, and sanitising 200 messages again per page view would cost ~10 ms."""
    return Markup(stored) if stored else None


def build(db: Session, ticket_id: int, *, public_only: bool = False) -> list[Entry]:
    messages = list_messages(db, ticket_id, public_only=public_only)
    events: Sequence[TicketEvent] = [] if public_only else db.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(SHOWN_EVENTS))
        .order_by(TicketEvent.id)).all()
    atts = attachments_of(db, [m.id for m in messages])
    user_ids = {m.author_user_id for m in messages if m.author_user_id} | {e.actor_user_id for e in events
                                                                          if e.actor_user_id}
    contact_ids = {m.author_contact_id for m in messages if m.author_contact_id}
    users, contacts = _names(db, user_ids, contact_ids)
    entries = [
        Entry(m.created_at, m.kind, users.get(m.author_user_id or 0) or contacts.get(m.author_contact_id or 0) or "",
              message=m, html=safe_html(m.body_html), attachments=atts[m.id])
        for m in messages
    ]
    entries += [Entry(e.created_at, "event", users.get(e.actor_user_id or 0, ""), event=e) for e in events]
    entries.sort(key=lambda e: (e.at, 0 if e.event is None else 1))
    return entries


def event_data(event: TicketEvent) -> dict[str, Any]:
    return event.data or {}

"""Turning ticket rows into API shapes, with tags and categories loaded in one query per page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from frontline.tickets import labels
from frontline.tickets.messages import attachments_of
from frontline.tickets.models import Message, Priority, Ticket
from frontline.tickets.rows import TicketRow
from frontline.tickets.schemas import AttachmentOut, MessageOut, TicketOut


def ticket_number(prefix: str, ticket_id: int) -> str:
    return f"{prefix}-{ticket_id}"


def ticket_fields(prefix: str, t: Ticket | TicketRow, *, category: str | None, tags: list[str]) -> dict[str, Any]:
    """The one shape of a ticket in the API, from a loaded ticket or from the row creation wrote (a new ticket
    has no merge, reopen or solve yet): every answer about a ticket, a replayed create included, is built here."""
    merged = t.merged_into_id
    later = ({"reopen_count": t.reopen_count, "first_response_at": t.first_response_at, "solved_at": t.solved_at,
              "closed_at": t.closed_at} if isinstance(t, Ticket) else
             {"reopen_count": 0, "first_response_at": None, "solved_at": None, "closed_at": None})
    return {
        "id": t.id, "number": ticket_number(prefix, t.id), "subject": t.subject, "status": t.status,
        "priority": Priority(t.priority).name, "channel": t.channel, "category": category, "tags": tags,
        "contact_id": t.contact_id, "organisation_id": t.organisation_id, "team_id": t.team_id, "line": t.line,
        "assignee_id": t.assignee_id, "merged_into": ticket_number(prefix, merged) if merged else None,
        "created_at": t.created_at, "updated_at": t.updated_at if t.updated_at is not None else t.created_at,
        **later,
    }


def tickets_out(db: Session, tickets: Sequence[Ticket], prefix: str) -> list[TicketOut]:
    ids = [t.id for t in tickets]
    tags = labels.tags_of(db, ids)
    categories = labels.category_names(db, (t.category_id for t in tickets))
    return [TicketOut(**ticket_fields(prefix, t, category=categories.get(t.category_id) if t.category_id else None,
                                      tags=tags[t.id])) for t in tickets]


def ticket_out(db: Session, ticket: Ticket, prefix: str) -> TicketOut:
    return tickets_out(db, [ticket], prefix)[0]


def messages_out(db: Session, messages: Sequence[Message]) -> list[MessageOut]:
    atts = attachments_of(db, [m.id for m in messages])
    result = []
    for m in messages:
        out = MessageOut.model_validate(m)
        out.attachments = [AttachmentOut.model_validate(a) for a in atts[m.id]]
        result.append(out)
    return result

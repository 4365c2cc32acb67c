"""Turning ticket rows into API shapes, with tags and categories loaded in one query per page."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from frontline.tickets import labels
from frontline.tickets.messages import attachments_of
from frontline.tickets.models import Message, Priority, Ticket
from frontline.tickets.schemas import AttachmentOut, MessageOut, TicketOut


def ticket_number(prefix: str, ticket_id: int) -> str:
    return f"{prefix}-{ticket_id}"


def tickets_out(db: Session, tickets: Sequence[Ticket], prefix: str) -> list[TicketOut]:
    ids = [t.id for t in tickets]
    tags = labels.tags_of(db, ids)
    categories = labels.category_names(db, (t.category_id for t in tickets))
    return [
        TicketOut(
            id=t.id,
            number=ticket_number(prefix, t.id),
            subject=t.subject,
            status=t.status,
            priority=Priority(t.priority).name,
            channel=t.channel,
            category=categories.get(t.category_id) if t.category_id else None,
            tags=tags[t.id],
            contact_id=t.contact_id,
            organisation_id=t.organisation_id,
            team_id=t.team_id,
            line=t.line,
            assignee_id=t.assignee_id,
            merged_into=ticket_number(prefix, t.merged_into_id) if t.merged_into_id else None,
            reopen_count=t.reopen_count,
            created_at=t.created_at,
            updated_at=t.updated_at,
            first_response_at=t.first_response_at,
            solved_at=t.solved_at,
            closed_at=t.closed_at,
        )
        for t in tickets
    ]


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

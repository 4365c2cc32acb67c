"""One typed ticket row: what creation, routing, SLA and rules know of a ticket without loading it.

`tickets.create` builds it from the values it inserts and hands it to the `created` listeners
(`hooks.TicketEvent.ticket`); listeners that change the ticket in plain SQL keep it up to date, so later
listeners, the rules' facts and the creation's answer read it instead of the database. The rules read the same
type for tickets that already exist (`rules.facts.TicketFacts.base`), the ORM paths convert a loaded ticket with
`TicketRow.of`, and e-mail intake uses it for the ticket a reply joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontline.tickets.models import Ticket


@dataclass(slots=True)
class TicketRow:
    id: int
    status: str
    priority: int  # the Priority number (low 0 ... urgent 3)
    channel: str = ""
    subject: str = ""
    team_id: int | None = None
    line: str | None = None
    assignee_id: int | None = None
    category_id: int | None = None
    contact_id: int | None = None
    organisation_id: int | None = None
    merged_into_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    category: str | None = None  # the category's name, when known (creation knows it)
    tags: list[str] | None = None  # sorted names; None: not read
    sentiment: tuple[float, str] | None = None  # (score, label) of the first message, once routing scored it
    message_id: int | None = None  # creation: the customer's first message (None when opened without text)
    assign_after_rules: bool = False  # a skill-based team's new ticket: assigned after the `created` triggers

    @classmethod
    def of(cls, ticket: Ticket) -> TicketRow:
        """A loaded ticket's columns (tags and category name are not read)."""
        return cls(id=ticket.id, status=ticket.status, priority=int(ticket.priority), channel=ticket.channel,
                   subject=ticket.subject, team_id=ticket.team_id, line=ticket.line, assignee_id=ticket.assignee_id,
                   category_id=ticket.category_id, contact_id=ticket.contact_id,
                   organisation_id=ticket.organisation_id, merged_into_id=ticket.merged_into_id,
                   created_at=ticket.created_at, updated_at=ticket.updated_at)

"""Escalation: hand a ticket to the next support line with a reason the next agent reads first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from frontline.accounts.models import Team
from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput
from frontline.routing import service as routing
from frontline.tickets.models import Ticket


def escalate(db: Session, ticket: Ticket, actor: Principal, *, reason: str, team_id: int | None = None) -> Team:
    """Move the ticket to the next line through routing (history entry, reason, new team's assignment)."""
    if routing.next_line(ticket.line) is None:
        raise InvalidInput("This ticket is already on the last line.")
    routing.escalate(db, ticket, actor, reason=reason, team_id=team_id)
    team = db.get(Team, ticket.team_id)
    assert team is not None
    return team

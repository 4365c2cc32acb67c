"""Escalation: hand a ticket to the next support line with a reason the next agent reads first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team
from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput
from frontline.routing import service as routing
from frontline.tickets.models import Ticket

NEXT_LINE = {None: "L1", "L1": "L2", "L2": "L3"}


def next_line(line: str | None) -> str | None:
    return NEXT_LINE.get(line)


def teams_for_line(db: Session, line: str | None) -> Sequence[Team]:
    if line is None:
        return []
    return db.scalars(select(Team).where(Team.line == line).order_by(Team.name, Team.id)).all()


def escalate(db: Session, ticket: Ticket, actor: Principal, *, reason: str, team_id: int | None = None) -> Team:
    """Move the ticket to the next line through routing (history entry, reason, new team's assignment)."""
    if next_line(ticket.line) is None and ticket.line is not None:
        raise InvalidInput("This ticket is already on the last line.")
    routing.escalate(db, ticket, actor, reason=reason, team_id=team_id, to_line=next_line(ticket.line))
    team = db.get(Team, ticket.team_id)
    assert team is not None
    return team

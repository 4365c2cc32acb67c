"""Escalation: hand a ticket to the next support line with a reason the next agent reads first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team
from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput
from frontline.tickets import history
from frontline.tickets.models import Ticket
from frontline.tickets.schemas import TicketUpdate
from frontline.tickets.service import update_ticket

NEXT_LINE = {None: "L1", "L1": "L2", "L2": "L3"}


def next_line(line: str | None) -> str | None:
    return NEXT_LINE.get(line)


def teams_for_line(db: Session, line: str | None) -> Sequence[Team]:
    if line is None:
        return []
    return db.scalars(select(Team).where(Team.line == line).order_by(Team.name, Team.id)).all()


def escalate(db: Session, ticket: Ticket, actor: Principal, *, reason: str, team_id: int | None = None) -> Team:
    """Move the ticket to a team of the next line, unassigned, and record an 'escalated' event."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the ticket is escalated: the next line reads this first.")
    target_line = next_line(ticket.line)
    if target_line is None:
        raise InvalidInput("This ticket is already on the last line.")
    teams = teams_for_line(db, target_line)
    team = next((t for t in teams if t.id == team_id), None) if team_id else (teams[0] if teams else None)
    if team is None:
        raise InvalidInput(f"No team works on line {target_line}.")
    old_line, old_team = ticket.line, ticket.team_id
    update_ticket(db, ticket, TicketUpdate.model_validate(
        {"team_id": team.id, "line": target_line, "assignee_id": None}), actor)
    history.record(db, ticket.id, "escalated", actor, field="line", old=old_line, new=target_line,
                   data={"reason": reason[:2000], "from_team_id": old_team, "to_team_id": team.id})
    db.flush()
    return team

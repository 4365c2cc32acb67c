"""Routing verbs: classify new tickets, score customers' sentiment, assign, escalate and de-escalate."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Line, Team
from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.routing import sentiment, training
from frontline.routing.assign import auto_assign, routing_of
from frontline.routing.models import Strategy, TeamRouting, TicketSuggestion
from frontline.tickets import history, hooks, labels
from frontline.tickets.models import Priority, Ticket

NEXT_LINE = {Line.L1: Line.L2, Line.L2: Line.L3}


def classify(db: Session, ticket: Ticket, text: str, *, data_dir: Path, threshold: float, apply_priority: bool
             ) -> list[TicketSuggestion]:
    """Record the classifier's suggestions; apply those above the threshold to fields left empty."""
    model = training.current(data_dir)
    if model is None:
        return []
    rows = []
    for s in model.suggest(text):
        applied = s.confidence >= threshold and _apply(db, ticket, s.field, s.value, apply_priority)
        rows.append(TicketSuggestion(ticket_id=ticket.id, field=s.field, value=s.value,
                                     confidence=round(s.confidence, 4), applied=applied))
    db.add_all(rows)
    return rows


def _apply(db: Session, ticket: Ticket, field: str, value: str, apply_priority: bool) -> bool:
    if field == "category" and ticket.category_id is None:
        ticket.category_id = labels.category_id(db, value)
        history.record(db, ticket.id, "changed", None, field="category", old=None, new=value,
                       data={"by": "classifier"})
        return True
    if field == "team" and ticket.team_id is None:
        team = db.scalar(select(Team).where(Team.name == value))
        if team is None:
            return False
        ticket.team_id, ticket.line = team.id, ticket.line or team.line
        history.record(db, ticket.id, "changed", None, field="team_id", old=None, new=team.id,
                       data={"by": "classifier"})
        return True
    if field == "priority" and apply_priority and value in Priority.__members__:
        new = int(Priority[value])
        if new != ticket.priority:
            history.record(db, ticket.id, "changed", None, field="priority", old=ticket.priority, new=new,
                           data={"by": "classifier"})
            ticket.priority = new
        return True
    return False


def record_sentiment(db: Session, ticket_id: int, message_id: int, text: str) -> tuple[float, str]:
    """Score a customer's message; plain SQL because it runs inside every ticket creation. Returns (score, label)."""
    result = sentiment.score(text)
    Raw(db).run("INSERT INTO message_sentiment (message_id, ticket_id, score, label) VALUES (:m, :t, :s, :l)",
                {"m": message_id, "t": ticket_id, "s": result.score, "l": result.label})
    return result.score, result.label


def assign(db: Session, ticket: Ticket, actor: Principal | None) -> int | None:
    result = auto_assign(db, ticket)
    if result is None:
        return None
    chosen, why = result
    ticket.assignee_id = chosen
    history.record(db, ticket.id, "changed", actor, field="assignee_id", old=None, new=chosen,
                   data={"by": "routing", **why})
    return chosen


def _target_team(db: Session, ticket: Ticket, line: str | None, team_id: int | None) -> Team:
    if team_id is not None:
        team = db.get(Team, team_id)
        if team is None:
            raise InvalidInput(f"No team with id {team_id}.")
        return team
    if ticket.team_id is not None and line is not None and line != Line.L1:
        routing = routing_of(db, ticket.team_id)
        if routing is not None and routing.escalation_team_id is not None:
            escalation = db.get(Team, routing.escalation_team_id)
            if escalation is not None:
                return escalation
    team = db.scalar(select(Team).where(Team.line == line).order_by(Team.id)) if line else None
    if team is None:
        raise InvalidInput(f"No team works on line {line}; choose a team.")
    return team


def escalate(db: Session, ticket: Ticket, actor: Principal | None, *, reason: str, team_id: int | None = None,
             to_line: str | None = None, kind: str = "escalated") -> Ticket:
    """Move a ticket to the next line (or a given team), with the reason in its history."""
    if not reason.strip():
        raise InvalidInput("Say why the ticket moves: the next line reads the reason first.")
    current = Line(ticket.line) if ticket.line else Line.L1
    line = to_line or (NEXT_LINE.get(current) if kind == "escalated" else Line.L1)
    if kind == "escalated" and line is None and team_id is None:
        raise InvalidInput("The ticket is already on the last line (L3); choose a specialised team instead.")
    team = _target_team(db, ticket, line, team_id)
    old = {"team_id": ticket.team_id, "line": ticket.line, "assignee_id": ticket.assignee_id}
    ticket.team_id, ticket.line = team.id, line or team.line
    ticket.assignee_id = None
    ticket.updated_at = utcnow()
    history.record(db, ticket.id, kind, actor, field="line", old=old["line"], new=ticket.line,
                   data={"reason": reason, "from_team": old["team_id"], "to_team": team.id,
                         "from_assignee": old["assignee_id"]})
    db.flush()
    assign(db, ticket, actor)
    db.flush()
    hooks.emit(db, hooks.TicketEvent("updated", ticket.id, actor, fields=("team_id", "line", "assignee_id")))
    return ticket


def set_team_routing(db: Session, team_id: int, *, strategy: Strategy, escalation_team_id: int | None,
                     default_capacity: int) -> TeamRouting:
    if db.get(Team, team_id) is None:
        raise InvalidInput(f"No team with id {team_id}.")
    if escalation_team_id is not None and db.get(Team, escalation_team_id) is None:
        raise InvalidInput(f"No team with id {escalation_team_id}.")
    routing = routing_of(db, team_id, lock=True) or TeamRouting(team_id=team_id)
    routing.strategy, routing.escalation_team_id = strategy, escalation_team_id
    routing.default_capacity, routing.updated_at = default_capacity, utcnow()
    db.add(routing)
    db.flush()
    return routing

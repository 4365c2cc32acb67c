"""Routing verbs: score customers' sentiment, assign, escalate and de-escalate.

New tickets are classified and assigned in plain SQL by hotpath.route_new (the only classification); the agent is
always chosen by assign.pick_agent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Line, Team
from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.routing import sentiment
from frontline.routing.assign import pick_agent, routing_of
from frontline.routing.models import Strategy, TeamRouting
from frontline.tickets import history, hooks
from frontline.tickets.models import Status, Ticket, TicketEvent
from frontline.tickets.rows import TicketRow
from frontline.tickets.service import set_status

NEXT_LINE = {Line.L1: Line.L2, Line.L2: Line.L3}


def record_sentiment(db: Session, ticket_id: int, message_id: int, text: str) -> tuple[float, str]:
    """Score a customer's message; plain SQL because it runs inside every ticket creation. Returns (score, label)."""
    result = sentiment.score(text)
    Raw(db).run("INSERT INTO message_sentiment (message_id, ticket_id, score, label) VALUES (:m, :t, :s, :l)",
                {"m": message_id, "t": ticket_id, "s": result.score, "l": result.label})
    return result.score, result.label


def assign(db: Session, ticket: Ticket, actor: Principal | None) -> int | None:
    """Assign a loaded, unassigned ticket by its team's strategy (assign.pick_agent, the rule new tickets use)."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    db.flush()  # team, tags and category as they are now, for the plain-SQL choice
    picked = pick_agent(db, Raw(db), TicketRow.of(ticket), utcnow())
    if picked is None:
        return None
    chosen, why = picked
    ticket.assignee_id = chosen
    history.record(db, ticket.id, "changed", actor, field="assignee_id", old=None, new=chosen,
                   data={"by": "routing", **why})
    return chosen


def _came_from(db: Session, ticket: Ticket, line: str | None) -> Team | None:
    """The team on `line` the ticket was last escalated away from (where a de-escalation goes back to)."""
    events = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "escalated")
                        .order_by(TicketEvent.id.desc()))
    for event in events:
        origin = (event.data or {}).get("from_team")
        team = db.get(Team, origin) if isinstance(origin, int) else None
        if team is not None and team.line == line:
            return team
    return None


def next_line(line: str | None) -> Line | None:
    """The line an escalation goes to: the one after the ticket's (a ticket on no line is at L1); None after L3."""
    return NEXT_LINE.get(Line(line) if line else Line.L1)


def escalation_target(db: Session, ticket: Ticket, line: str | None) -> int | None:
    """The team an escalation to `line` goes to when nobody chose one: the ticket's team's configured escalation
    target (Administration -> Lines), else the first team of that line; None when no team works there. The
    escalation box on the ticket page offers it first, so what the agent sees chosen is what happens. One
    statement (the ticket page reads it on every view)."""
    if not line:
        return None
    configured = "(SELECT r.escalation_team_id FROM team_routing r JOIN team e ON e.id = r.escalation_team_id " \
        "WHERE r.team_id = :team)" if ticket.team_id is not None and line != Line.L1 else "NULL"
    found = Raw(db).value(f"SELECT COALESCE({configured}, (SELECT id FROM team WHERE line = :line ORDER BY id "
                          "LIMIT 1))", {"team": ticket.team_id, "line": str(line)})
    return int(found) if found is not None else None


def _target_team(db: Session, ticket: Ticket, line: str | None, team_id: int | None, kind: str) -> Team:
    if team_id is not None:
        team = db.get(Team, team_id)
        if team is None:
            raise InvalidInput(f"No team with id {team_id}.")
        return team
    if kind == "deescalated":
        origin = _came_from(db, ticket, line)
        if origin is not None:
            return origin
    target = escalation_target(db, ticket, line)
    team = db.get(Team, target) if target is not None else None
    if team is None:
        raise InvalidInput(f"No team works on line {line}; choose a team.")
    return team


def escalate(db: Session, ticket: Ticket, actor: Principal | None, *, reason: str, team_id: int | None = None,
             to_line: str | None = None, kind: str = "escalated") -> Ticket:
    """Move a ticket to the next line (or a given team), with the reason in its history.

    The ticket arrives open and unassigned at the target team (then assigned by that team's strategy): a pending,
    on-hold or solved ticket is reopened, so it shows in the team's queue and its clocks run. A closed ticket does
    not move (a follow-up is a new ticket)."""
    if not reason.strip():
        raise InvalidInput("Say why the ticket moves: the next line reads the reason first.")
    if ticket.status == Status.closed:
        raise InvalidInput("A closed ticket cannot be moved to another line; open a follow-up ticket instead.")
    line = to_line or (next_line(ticket.line) if kind == "escalated" else Line.L1)
    if kind == "escalated" and line is None and team_id is None:
        raise InvalidInput("The ticket is already on the last line (L3); choose a specialised team instead.")
    team = _target_team(db, ticket, line, team_id, kind)
    old = {"team_id": ticket.team_id, "line": ticket.line, "assignee_id": ticket.assignee_id}
    ticket.team_id, ticket.line = team.id, team.line or line  # a team on a line takes the ticket to it
    ticket.assignee_id = None
    ticket.updated_at = utcnow()
    history.record(db, ticket.id, kind, actor, field="line", old=old["line"], new=ticket.line,
                   data={"reason": reason, "from_team": old["team_id"], "to_team": team.id,
                         "from_assignee": old["assignee_id"]})
    db.flush()
    if ticket.status != Status.open:  # its own history entry and "status" event: SLA resumes its clocks
        set_status(db, ticket, Status.open, actor)
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

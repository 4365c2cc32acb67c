"""Routing of a new ticket in plain SQL: classify, apply confident suggestions, pick the agent.

This runs inside every ticket creation (see frontline/tickets/create.py), on the creation's typed row
(`hooks.TicketEvent.ticket`, a `tickets.rows.TicketRow`) instead of a ticket loaded through the ORM, and writes
in plain SQL (frontline/kit/rawsql.py). `classify` is the desk's only classification of a ticket; the agent is
chosen by `assign.pick_agent`, the same rule escalation and the rules' `assign` action use (service.assign).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from frontline.kit.rawsql import Raw
from frontline.routing.assign import pick_agent
from frontline.routing.classifier import Classifier
from frontline.tickets import history
from frontline.tickets.labels import named_id
from frontline.tickets.models import Priority, Ticket
from frontline.tickets.rows import TicketRow


def _event(ticket_id: int, field: str, old: Any, new: Any, by: str,
           extra: dict[str, object] | None = None) -> history.Entry:
    """A system 'changed' history entry."""
    return history.entry(ticket_id, "changed", field=field, old=old, new=new, data={"by": by, **(extra or {})})


def classify(raw: Raw, ticket: TicketRow, model: Classifier, text: str, *, threshold: float,
             apply_priority: bool, now: datetime, events: list[history.Entry]) -> dict[str, Any]:
    """Store the suggestions; apply confident ones to fields left empty (priority only when `apply_priority`: a
    customer's ticket). Updates `ticket`; returns the ticket columns changed."""
    changed: dict[str, Any] = {}
    stamp = raw.time(now)
    suggestions = []
    for s in model.suggest(text):
        applied = False
        if s.confidence >= threshold:
            if s.field == "category" and ticket.category_id is None:
                ticket.category_id = changed["category_id"] = named_id(raw, "category", s.value)
                ticket.category = s.value
                events.append(_event(ticket.id, "category", None, s.value, "classifier"))
                applied = True
            elif s.field == "team" and ticket.team_id is None:
                team = raw.one("SELECT id, line FROM team WHERE name = :n", {"n": s.value})
                if team is not None:
                    ticket.team_id = changed["team_id"] = int(team[0])
                    ticket.line = changed["line"] = ticket.line or team[1]
                    events.append(_event(ticket.id, "team_id", None, team[0], "classifier"))
                    applied = True
            elif s.field == "priority" and apply_priority and s.value in Priority.__members__:
                new = int(Priority[s.value])
                if new != ticket.priority:
                    events.append(_event(ticket.id, "priority", ticket.priority, new, "classifier"))
                    ticket.priority = changed["priority"] = new
                applied = True
        suggestions.append({"t": ticket.id, "f": s.field, "v": s.value, "c": round(s.confidence, 4),
                            "a": applied, "now": stamp})
    raw.many("INSERT INTO ticket_suggestion (ticket_id, field, value, confidence, applied, created_at)"
             " VALUES (:t, :f, :v, :c, :a, :now)", suggestions)
    return changed


def assign_after_rules(db: Session, raw: Raw, ticket: TicketRow, now: datetime) -> None:
    """A new ticket of a skill-based team, after the `created` triggers ran: assign it by what it is now (rules may
    have tagged, categorised or moved it; they may also have assigned it already)."""
    row = raw.one("SELECT team_id, assignee_id, category_id, contact_id FROM ticket WHERE id = :id", {"id": ticket.id})
    if row is None or row[0] is None or row[1] is not None:
        return
    current = TicketRow(id=ticket.id, status=ticket.status, priority=ticket.priority, team_id=row[0],
                        category_id=row[2], contact_id=row[3])  # tags as they are now: read
    picked = pick_agent(db, raw, current, now)
    if picked is None:
        return
    chosen, why = picked
    ticket.assignee_id = chosen
    raw.run("UPDATE ticket SET assignee_id = :a WHERE id = :id", {"a": chosen, "id": ticket.id})
    history.write(raw, [_event(ticket.id, "assignee_id", None, chosen, "routing", why)], now)
    loaded = db.identity_map.get(identity_key(Ticket, ticket.id))
    if loaded is not None:  # a rule loaded it through the ORM: reread
        db.expire(loaded)


def route_new(db: Session, raw: Raw, ticket: TicketRow, *, model: Classifier | None, text: str,
              threshold: float, apply_priority: bool, now: datetime, defer_skill_based: bool = False) -> None:
    """Classify and assign a ticket just created; updates `ticket` (the event's row) with what changed."""
    events: list[history.Entry] = []
    changed = (classify(raw, ticket, model, text, threshold=threshold, apply_priority=apply_priority, now=now,
                        events=events) if model is not None else {})
    if ticket.team_id is None:  # nothing gave it a team: the default team takes it, so no ticket is nobody's
        default = raw.one("SELECT id, line FROM team WHERE is_default")
        if default is not None:
            ticket.team_id = changed["team_id"] = int(default[0])
            if ticket.line is None and default[1] is not None:
                ticket.line = changed["line"] = default[1]
            events.append(_event(ticket.id, "team_id", None, default[0], "default"))
    picked = pick_agent(db, raw, ticket, now, defer_skill_based=defer_skill_based)
    if picked is not None:
        chosen, why = picked
        ticket.assignee_id = changed["assignee_id"] = chosen
        events.append(_event(ticket.id, "assignee_id", None, chosen, "routing", why))
    if changed:
        raw.run(f"UPDATE ticket SET {', '.join(f'{k} = :{k}' for k in changed)} WHERE id = :id",
                {**changed, "id": ticket.id})
    history.write(raw, events, now)

"""Routing of a new ticket in plain SQL: classify, apply confident suggestions, pick the agent.

This runs inside every ticket creation (see frontline/tickets/create.py), so it works on the creation's
snapshot of the ticket (`hooks.TicketEvent.ticket`) instead of loading it through the ORM, and writes in
plain SQL (frontline/kit/rawsql.py). The rules are those of `service.classify` / `service.assign` (which the
API, escalation and rules still use on loaded tickets); tests/routing checks both give the same result.

Assignment stays fair under concurrency: the team's routing row is locked first (`FOR UPDATE` on PostgreSQL;
SQLite has one writer at a time), then one query reads every online member with their current load, so two
simultaneous tickets never both take the last free slot of one agent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from frontline.kit.rawsql import Raw
from frontline.routing.assign import Candidate, choose, narrow, needs_of
from frontline.routing.classifier import Classifier
from frontline.routing.models import Strategy
from frontline.tickets import history
from frontline.tickets.labels import named_id
from frontline.tickets.models import Priority, Ticket
from frontline.tickets.status import OPEN_STATUSES
from frontline.workforce.roster import rostered

_OPEN = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
# Online, active members of the team with their load (open tickets, and weighted by priority: low 1 ... urgent 4),
# and whether any published schedule of the team is near enough in time to matter (then the roster decides).
CANDIDATES = (
    "SELECT u.id, u.capacity, u.skills, u.languages, coalesce(l.n, 0), coalesce(l.w, 0),"
    " EXISTS (SELECT 1 FROM planner_schedule s WHERE s.team_id = :team AND s.start <= :soon AND s.\"end\" >= :recent)"
    " FROM team_member m JOIN user_account u ON u.id = m.user_id"
    " LEFT JOIN (SELECT t.assignee_id AS uid, count(*) AS n, sum(t.priority + 1) AS w FROM ticket t"
    f"  WHERE t.status IN ({_OPEN}) AND t.assignee_id IN (SELECT user_id FROM team_member WHERE team_id = :team)"
    "  GROUP BY t.assignee_id) l ON l.uid = u.id"
    " WHERE m.team_id = :team AND u.is_active = :yes AND u.availability = 'online' ORDER BY u.id"
)


def _event(ticket_id: int, field: str, old: Any, new: Any, by: str,
           extra: dict[str, object] | None = None) -> history.Entry:
    """A system 'changed' history entry."""
    return history.entry(ticket_id, "changed", field=field, old=old, new=new, data={"by": by, **(extra or {})})


def _category_id(raw: Raw, name: str) -> int:
    return named_id(raw, "category", name)


def classify(raw: Raw, ticket: dict[str, Any], model: Classifier, text: str, *, threshold: float,
             apply_priority: bool, now: datetime, events: list[history.Entry]) -> dict[str, Any]:
    """Store the suggestions; apply confident ones to fields left empty. Returns the ticket columns changed."""
    changed: dict[str, Any] = {}
    stamp = raw.time(now)
    suggestions = []
    for s in model.suggest(text):
        applied = False
        if s.confidence >= threshold:
            if s.field == "category" and ticket["category_id"] is None:
                ticket["category_id"] = changed["category_id"] = _category_id(raw, s.value)
                events.append(_event(ticket["id"], "category", None, s.value, "classifier"))
                applied = True
            elif s.field == "team" and ticket["team_id"] is None:
                team = raw.one("SELECT id, line FROM team WHERE name = :n", {"n": s.value})
                if team is not None:
                    ticket["team_id"] = changed["team_id"] = int(team[0])
                    ticket["line"] = changed["line"] = ticket["line"] or team[1]
                    events.append(_event(ticket["id"], "team_id", None, team[0], "classifier"))
                    applied = True
            elif s.field == "priority" and apply_priority and s.value in Priority.__members__:
                new = int(Priority[s.value])
                if new != ticket["priority"]:
                    events.append(_event(ticket["id"], "priority", ticket["priority"], new, "classifier"))
                    ticket["priority"] = changed["priority"] = new
                applied = True
        suggestions.append({"t": ticket["id"], "f": s.field, "v": s.value, "c": round(s.confidence, 4),
                            "a": applied, "now": stamp})
    raw.many("INSERT INTO ticket_suggestion (ticket_id, field, value, confidence, applied, created_at)"
             " VALUES (:t, :f, :v, :c, :a, :now)", suggestions)
    return changed


def pick_agent(db: Session, raw: Raw, ticket: dict[str, Any], now: datetime, *, defer_skill_based: bool = False
               ) -> tuple[int, dict[str, object]] | None:
    """Lock the team's routing row, then choose the agent by its strategy (None: manual, or nobody free).

    Returns the agent and the assignment's history data (a skill-based team's needs and any fallback). With
    `defer_skill_based`, a skill-based team's ticket is only marked (`assign_after_rules`): it is assigned after
    the `created` triggers, so tags a rule adds count as required skills (listeners.install_after_rules)."""
    team_id = ticket["team_id"]
    lock = " FOR UPDATE" if raw.postgres else ""
    routing = raw.one("SELECT strategy, default_capacity, last_assigned_user_id FROM team_routing"
                      f" WHERE team_id = :t AND strategy <> :manual{lock}", {"t": team_id, "manual": Strategy.manual})
    if routing is None:
        return None
    strategy, default_capacity, last_user_id = routing
    if strategy == Strategy.skill_based and defer_skill_based:
        ticket["assign_after_rules"] = True
        return None
    day = now.date()
    members = raw.rows(CANDIDATES, {"team": team_id, "yes": True, **_days(raw, day)})
    if not members:
        return None
    if members[0][6]:  # a schedule is near: only agents on shift take tickets (the planner's own rule)
        on_duty = rostered(db, team_id, [int(m[0]) for m in members], now)
        if on_duty is not None:
            members = [m for m in members if m[0] in on_duty]
    pool = [Candidate(int(uid), capacity if capacity is not None else default_capacity, int(count), int(weight),
                      frozenset(raw.read_json(skills) or []), frozenset(raw.read_json(languages) or []))
            for uid, capacity, skills, languages, count, weight, _ in members]
    why: dict[str, object] = {}
    if strategy == Strategy.skill_based:
        needs = needs_of(raw, ticket["id"], category_id=ticket["category_id"], contact_id=ticket["contact_id"],
                         tags=ticket.get("tags"))
        pool, unmet = narrow(pool, needs)
        why = needs.record(unmet)
        strategy = Strategy.least_loaded
    chosen = choose(strategy, pool, last_user_id=last_user_id)
    if chosen is None:
        return None
    raw.run("UPDATE team_routing SET last_assigned_user_id = :u WHERE team_id = :t", {"u": chosen, "t": team_id})
    return chosen, why


def assign_after_rules(db: Session, raw: Raw, ticket: dict[str, Any], now: datetime) -> None:
    """A new ticket of a skill-based team, after the `created` triggers ran: assign it by what it is now (rules may
    have tagged, categorised or moved it; they may also have assigned it already)."""
    row = raw.one("SELECT team_id, assignee_id, category_id, contact_id FROM ticket WHERE id = :id",
                  {"id": ticket["id"]})
    if row is None or row[0] is None or row[1] is not None:
        return
    current = {"id": ticket["id"], "team_id": row[0], "category_id": row[2], "contact_id": row[3], "tags": None}
    picked = pick_agent(db, raw, current, now)
    if picked is None:
        return
    chosen, why = picked
    ticket["assignee_id"] = chosen
    raw.run("UPDATE ticket SET assignee_id = :a WHERE id = :id", {"a": chosen, "id": ticket["id"]})
    history.write(raw, [_event(ticket["id"], "assignee_id", None, chosen, "routing", why)], now)
    loaded = db.identity_map.get(identity_key(Ticket, ticket["id"]))
    if loaded is not None:  # a rule loaded it through the ORM: reread
        db.expire(loaded)


def _days(raw: Raw, day: date) -> dict[str, Any]:
    soon, recent = day + timedelta(days=2), day - timedelta(days=2)
    if raw.postgres:
        return {"soon": soon, "recent": recent}
    return {"soon": soon.isoformat(), "recent": recent.isoformat()}


def route_new(db: Session, raw: Raw, ticket: dict[str, Any], *, model: Classifier | None, text: str,
              threshold: float, apply_priority: bool, now: datetime, defer_skill_based: bool = False) -> None:
    """Classify and assign a ticket just created; updates `ticket` (the event's snapshot) with what changed."""
    events: list[history.Entry] = []
    changed = (classify(raw, ticket, model, text, threshold=threshold, apply_priority=apply_priority, now=now,
                        events=events) if model is not None else {})
    if ticket["team_id"] is not None and ticket["assignee_id"] is None:
        picked = pick_agent(db, raw, ticket, now, defer_skill_based=defer_skill_based)
        if picked is not None:
            chosen, why = picked
            ticket["assignee_id"] = changed["assignee_id"] = chosen
            events.append(_event(ticket["id"], "assignee_id", None, chosen, "routing", why))
    if changed:
        raw.run(f"UPDATE ticket SET {', '.join(f'{k} = :{k}' for k in changed)} WHERE id = :id",
                {**changed, "id": ticket["id"]})
    history.write(raw, events, now)

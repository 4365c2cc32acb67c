"""Time-based automations: periodically, each automation rule over the tickets still in play.

A rule fires on a ticket at most once per state (its status and when it entered that status), and the
firing is remembered in rule_firing: "pending 5 days -> solved" fires once per pending spell, however
often the job runs, and again only if the ticket goes back to pending later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.rules import engine
from frontline.rules.facts import TicketFacts
from frontline.rules.models import RuleFiring
from frontline.tickets.models import Status, Ticket

BATCH = 5000


def _statuses(rule: engine.LoadedRule) -> list[str] | None:
    """Statuses an 'all' condition pins the rule to, to narrow the candidate query; None when free."""
    for c in (rule.conditions or {}).get("all") or []:
        if c.get("field") == "status" and c.get("op") == "eq":
            return [c["value"]]
        if c.get("field") == "status" and c.get("op") == "in":
            return list(c["value"])
    return None


def candidates(db: Session, rule: engine.LoadedRule) -> list[int]:
    query = select(Ticket.id).where(Ticket.status != Status.closed, Ticket.merged_into_id.is_(None))
    statuses = _statuses(rule)
    if statuses is not None:
        query = query.where(Ticket.status.in_(statuses))
    return list(db.scalars(query.order_by(Ticket.updated_at, Ticket.id).limit(BATCH)))


def run_automations(db: Session, now: datetime, *, prefix: str) -> list[tuple[int, int]]:
    """Fire every automation whose conditions hold now; returns (rule id, ticket id) per firing.

    A ticket moves at most one step per sweep: one an automation just changed waits for the next sweep,
    so "pending 5 days -> solved" and "solved 3 days -> closed" never collapse into one run.
    """
    fired: list[tuple[int, int]] = []
    moved: set[int] = set()
    for rule in engine.config(db).automations:
        done = {(t, k) for t, k in db.execute(select(RuleFiring.ticket_id, RuleFiring.state_key)
                                             .where(RuleFiring.rule_id == rule.id))}
        for ticket_id in candidates(db, rule):
            if ticket_id in moved:
                continue
            facts = TicketFacts(db, ticket_id, now)
            state = facts.state_key()[:120]
            if (ticket_id, state) in done or not rule.compiled.matches(facts):
                continue
            db.add(RuleFiring(rule_id=rule.id, ticket_id=ticket_id, state_key=state, fired_at=now))
            engine.fire(db, rule, ticket_id, prefix, cause="automation")
            db.flush()
            fired.append((rule.id, ticket_id))
            moved.add(ticket_id)
    return fired

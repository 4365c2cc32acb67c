"""The demo desk's service levels: a policy per priority, and clocks on the open tickets of its history.

The clocks come from the same rules as every ticket's: `sla.service.reselect` picks the policy and starts them
from the ticket's creation, then the conversation moves them (first public reply, customer messages, pending).
Policies run around the clock (no calendar), so the demo's targets read the same in every time zone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.sla import service as sla
from frontline.sla.models import Policy
from frontline.tickets.models import Message, Status, Ticket

# name, priority, first response, next response, resolution (minutes)
POLICIES = (
    ("Urgent", "urgent", 30, 60, 4 * 60),
    ("High", "high", 60, 4 * 60, 8 * 60),
    ("Standard", None, 4 * 60, 8 * 60, 3 * 24 * 60),
)
OPEN = (Status.new, Status.open, Status.pending, Status.on_hold)


def add_policies(db: Session) -> None:
    for position, (name, priority, first, following, resolution) in enumerate(POLICIES, start=1):
        conditions: dict[str, Any] = {"priority": [priority]} if priority else {}
        db.add(Policy(name=name, position=position * 10, active=True, conditions=conditions,
                      first_response_minutes=first, next_response_minutes=following,
                      resolution_minutes=resolution, warn_before_minutes=min(30, first // 2),
                      breach_actions=[]))
    db.flush()


def start_open_clocks(db: Session) -> int:
    """Clocks for the history's open tickets, as the desk would have run them. Returns how many got clocks."""
    started = 0
    for ticket in db.scalars(select(Ticket).where(Ticket.status.in_(OPEN), Ticket.merged_into_id.is_(None))):
        if not sla.reselect(db, ticket):
            continue
        started += 1
        messages = db.execute(select(Message.kind, Message.created_at).where(Message.ticket_id == ticket.id)
                              .order_by(Message.created_at, Message.id)).all()
        for kind, at in messages:
            if kind == "reply":
                sla.agent_replied(db, ticket.id, at)
            elif kind == "inbound" and at > ticket.created_at:
                sla.customer_wrote(db, ticket.id, at)
        if ticket.status == Status.pending:
            sla.status_changed(db, ticket, ticket.updated_at)
    db.flush()
    return started

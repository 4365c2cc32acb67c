"""Collision warning: who else has a ticket open, from heartbeat rows every web process shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontline.accounts.models import User
from frontline.kit.db import utcnow
from frontline.web.models import TicketPresence

FRESH = timedelta(seconds=30)  # pages beat every 10 s; three missed beats and the agent has left


@dataclass(frozen=True)
class Viewer:
    name: str
    activity: str  # viewing or replying


def beat(db: Session, ticket_id: int, user_id: int, activity: str) -> list[Viewer]:
    """Record that `user_id` is on the ticket and return the other agents there now."""
    activity = "replying" if activity == "replying" else "viewing"
    now = utcnow()
    row = db.get(TicketPresence, (ticket_id, user_id))
    if row is None:
        db.add(TicketPresence(ticket_id=ticket_id, user_id=user_id, activity=activity, seen_at=now))
    else:
        row.activity, row.seen_at = activity, now
    db.execute(delete(TicketPresence).where(TicketPresence.ticket_id == ticket_id,
                                            TicketPresence.seen_at < now - FRESH))
    db.flush()
    return others(db, ticket_id, user_id)


def others(db: Session, ticket_id: int, user_id: int) -> list[Viewer]:
    rows = db.execute(
        select(User.name, TicketPresence.activity).join(User, User.id == TicketPresence.user_id)
        .where(TicketPresence.ticket_id == ticket_id, TicketPresence.user_id != user_id,
               TicketPresence.seen_at >= utcnow() - FRESH).order_by(User.name)
    )
    return [Viewer(name, activity) for name, activity in rows]


def leave(db: Session, ticket_id: int, user_id: int) -> None:
    db.execute(delete(TicketPresence).where(TicketPresence.ticket_id == ticket_id, TicketPresence.user_id == user_id))

"""Handing tickets to agents: round robin, least loaded, skill based; fair under concurrency.

Assignment takes the team's routing row under a write lock (`SELECT ... FOR UPDATE` on PostgreSQL; the
single writer on SQLite), so two tickets arriving at once are assigned one after the other and never
both take the last free slot of one agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontline.accounts.models import Availability, TeamMember, User
from frontline.kit.db import utcnow
from frontline.routing.models import Strategy, TeamRouting
from frontline.tickets.models import Ticket
from frontline.tickets.status import OPEN_STATUSES
from frontline.workforce.roster import rostered


@dataclass(frozen=True)
class Candidate:
    user_id: int
    capacity: int
    open_count: int
    load: int
    skills: frozenset[str]
    languages: frozenset[str]


def routing_of(db: Session, team_id: int, *, lock: bool = False) -> TeamRouting | None:
    query = select(TeamRouting).where(TeamRouting.team_id == team_id)
    if lock:
        query = query.with_for_update()
    return db.scalar(query)


def candidates(db: Session, team_id: int, default_capacity: int) -> list[Candidate]:
    """Online agents of the team with their current load, fewest open tickets first."""
    members = db.execute(
        select(User.id, User.capacity, User.skills, User.languages).join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team_id, User.is_active.is_(True), User.availability == Availability.online)
        .order_by(User.id)
    ).all()
    if not members:
        return []
    on_duty = rostered(db, team_id, [m[0] for m in members], utcnow())
    if on_duty is not None:  # a published schedule is in force: only agents on shift take tickets
        members = [m for m in members if m[0] in on_duty]
        if not members:
            return []
    loads = {
        uid: (count, weight or 0)
        for uid, count, weight in db.execute(
            # load = open tickets weighted by priority: low 1, normal 2, high 3, urgent 4
            select(Ticket.assignee_id, func.count(), func.sum(Ticket.priority + 1))
            .where(Ticket.assignee_id.in_([m[0] for m in members]), Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.assignee_id)
        )
    }
    return [
        Candidate(uid, capacity if capacity is not None else default_capacity, loads.get(uid, (0, 0))[0],
                  int(loads.get(uid, (0, 0))[1]), frozenset(skills or []), frozenset(languages or []))
        for uid, capacity, skills, languages in members
    ]


def _free(pool: Sequence[Candidate]) -> list[Candidate]:
    return [c for c in pool if c.open_count < c.capacity]


def choose(strategy: str, pool: Sequence[Candidate], *, last_user_id: int | None,
           skills: frozenset[str] = frozenset(), language: str | None = None) -> int | None:
    """The agent who gets the next ticket, or None when nobody is free (the ticket waits in the queue)."""
    free = _free(pool)
    if not free or strategy == Strategy.manual:
        return None
    if strategy == Strategy.round_robin:
        after = [c for c in free if last_user_id is not None and c.user_id > last_user_id]
        return (after or free)[0].user_id
    if strategy == Strategy.skill_based:
        matching = [c for c in free if skills <= c.skills and (language is None or language in c.languages)]
        free = matching or []
        if not free:
            return None
    return min(free, key=lambda c: (c.load, c.open_count, c.user_id)).user_id


def auto_assign(db: Session, ticket: Ticket, *, skills: frozenset[str] = frozenset(),
                language: str | None = None) -> int | None:
    """Assign an unassigned ticket by its team's strategy; returns the agent or None."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    routing = routing_of(db, ticket.team_id, lock=True)
    if routing is None or routing.strategy == Strategy.manual:
        return None
    pool = candidates(db, ticket.team_id, routing.default_capacity)
    chosen = choose(routing.strategy, pool, last_user_id=routing.last_assigned_user_id, skills=skills,
                    language=language)
    if chosen is not None:
        routing.last_assigned_user_id = chosen
    return chosen

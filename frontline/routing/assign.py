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
from frontline.kit.rawsql import Raw
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


@dataclass(frozen=True)
class Needs:
    """What a ticket asks of its agent: skills from the catalogue and the customer's language."""

    skills: frozenset[str] = frozenset()
    language: str | None = None

    def record(self, unmet: dict[str, object]) -> dict[str, object]:
        """History data of an assignment: what was required and, on a fallback, what nobody could give."""
        data: dict[str, object] = {}
        if self.skills:
            data["skills"] = sorted(self.skills)
        if self.language:
            data["language"] = self.language
        if unmet:
            data["fallback"] = unmet
        return data


def _primary(code: str) -> str:
    return code.lower().split("-", 1)[0]


def speaks(candidate: Candidate, language: str) -> bool:
    """'ru' and 'ru-RU' are the same language for this purpose."""
    return any(_primary(code) == _primary(language) for code in candidate.languages)


def narrow(pool: Sequence[Candidate], needs: Needs) -> tuple[list[Candidate], dict[str, object]]:
    """The agents (of those online) who meet the ticket's needs, and the needs nobody online meets.

    A need counts only if some online agent of the team meets it: then the ticket waits for such an agent's
    free slot (capacity still holds). A need nobody online meets is dropped and reported, so the ticket goes
    to any free agent and the history says why. Language first (a customer must be understood), then skills."""
    chosen = list(pool)
    unmet: dict[str, object] = {}
    if needs.language:
        speakers = [c for c in chosen if speaks(c, needs.language)]
        if speakers:
            chosen = speakers
        else:
            unmet["language"] = needs.language
    if needs.skills:
        skilled = [c for c in chosen if needs.skills <= c.skills]
        if skilled:
            chosen = skilled
        else:
            unmet["skills"] = sorted(needs.skills)
    return chosen, unmet


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
        free = _free(narrow(pool, Needs(skills, language))[0])
        if not free:
            return None
    return min(free, key=lambda c: (c.load, c.open_count, c.user_id)).user_id


def needs_of(raw: Raw, ticket_id: int, *, category_id: int | None, contact_id: int | None,
             tags: Sequence[str] | None = None) -> Needs:
    """A ticket's required skills: its tags that name a skill in the catalogue, and its category's name if the
    catalogue lists it; its required language: the customer's (contact's) language. `tags` when known (the
    creation snapshot), else read."""
    if tags is None:
        tags = [str(r[0]) for r in raw.rows("SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id"
                                            " WHERE tt.ticket_id = :t", {"t": ticket_id})]
    names = {" ".join(str(t).split()).lower() for t in tags}
    if category_id is not None:
        found = raw.one("SELECT name FROM category WHERE id = :id", {"id": category_id})
        if found is not None:
            names.add(" ".join(str(found[0]).split()).lower())
    skills: frozenset[str] = frozenset()
    if names:
        wanted = sorted(names)
        marks = ", ".join(f":s{n}" for n in range(len(wanted)))
        skills = frozenset(str(r[0]) for r in raw.rows(f"SELECT name FROM skill WHERE name IN ({marks})",
                                                       {f"s{n}": v for n, v in enumerate(wanted)}))
    language = None
    if contact_id is not None:
        found = raw.one("SELECT language FROM contact WHERE id = :id", {"id": contact_id})
        if found is not None and found[0] and str(found[0]).strip():
            language = str(found[0]).strip().lower()
    return Needs(skills, language)


def auto_assign(db: Session, ticket: Ticket) -> tuple[int, dict[str, object]] | None:
    """Assign an unassigned ticket by its team's strategy; returns the agent and the assignment's history data
    (what a skill-based team required, and any fallback), or None."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    routing = routing_of(db, ticket.team_id, lock=True)
    if routing is None or routing.strategy == Strategy.manual:
        return None
    pool = candidates(db, ticket.team_id, routing.default_capacity)
    needs = Needs()
    unmet: dict[str, object] = {}
    if routing.strategy == Strategy.skill_based:
        db.flush()  # tags and category as they are now
        needs = needs_of(Raw(db), ticket.id, category_id=ticket.category_id, contact_id=ticket.contact_id)
        pool, unmet = narrow(pool, needs)
        chosen = choose(Strategy.least_loaded, pool, last_user_id=routing.last_assigned_user_id)
    else:
        chosen = choose(routing.strategy, pool, last_user_id=routing.last_assigned_user_id)
    if chosen is None:
        return None
    routing.last_assigned_user_id = chosen
    return chosen, needs.record(unmet)

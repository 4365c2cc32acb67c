"""Handing tickets to agents: round robin, least loaded, skill based; fair under concurrency.

`pick_agent` is the one rule every path uses (a new ticket in plain SQL, escalation and the rules' `assign`
action through `service.assign`). It takes the team's routing row under a write lock (`SELECT ... FOR UPDATE` on
PostgreSQL; the single writer on SQLite), then one query reads every online member with their current load, so
two tickets arriving at once are assigned one after the other and never both take the last free slot of one agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.routing.models import Strategy, TeamRouting
from frontline.tickets.rows import TicketRow
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


def _days(raw: Raw, day: date) -> dict[str, Any]:
    soon, recent = day + timedelta(days=2), day - timedelta(days=2)
    if raw.postgres:
        return {"soon": soon, "recent": recent}
    return {"soon": soon.isoformat(), "recent": recent.isoformat()}


def candidates(db: Session, team_id: int, default_capacity: int, *, now: datetime | None = None,
               raw: Raw | None = None) -> list[Candidate]:
    """Online agents of the team with their current load, in one query; when a published schedule of the team is
    near, only the agents on shift (the planner's roster)."""
    raw = raw or Raw(db)
    now = now or utcnow()
    members = raw.rows(CANDIDATES, {"team": team_id, "yes": True, **_days(raw, now.date())})
    if members and members[0][6]:
        on_duty = rostered(db, team_id, [int(m[0]) for m in members], now)
        if on_duty is not None:
            members = [m for m in members if m[0] in on_duty]
    return [Candidate(int(uid), capacity if capacity is not None else default_capacity, int(count), int(weight),
                      frozenset(raw.read_json(skills) or []), frozenset(raw.read_json(languages) or []))
            for uid, capacity, skills, languages, count, weight, _ in members]


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
    creation row), else read."""
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


def pick_agent(db: Session, raw: Raw, ticket: TicketRow, now: datetime, *, defer_skill_based: bool = False
               ) -> tuple[int, dict[str, object]] | None:
    """The one rule for choosing a ticket's agent (new tickets, escalation, the rules' `assign` action): lock the
    team's routing row, then choose by its strategy (None: manual, or nobody free).

    Returns the agent and the assignment's history data (a skill-based team's needs and any fallback); the caller
    sets the assignee. With `defer_skill_based`, a skill-based team's ticket is only marked (`assign_after_rules`):
    it is assigned after the `created` triggers, so tags a rule adds count (listeners.install_after_rules)."""
    team_id = ticket.team_id
    if team_id is None or ticket.assignee_id is not None:
        return None
    lock = " FOR UPDATE" if raw.postgres else ""
    routing = raw.one("SELECT strategy, default_capacity, last_assigned_user_id FROM team_routing"
                      f" WHERE team_id = :t AND strategy <> :manual{lock}", {"t": team_id, "manual": Strategy.manual})
    if routing is None:
        return None
    strategy, default_capacity, last_user_id = routing
    if strategy == Strategy.skill_based and defer_skill_based:
        ticket.assign_after_rules = True
        return None
    pool = candidates(db, team_id, default_capacity, now=now, raw=raw)
    if not pool:
        return None
    why: dict[str, object] = {}
    if strategy == Strategy.skill_based:
        needs = needs_of(raw, ticket.id, category_id=ticket.category_id, contact_id=ticket.contact_id,
                         tags=ticket.tags)
        pool, unmet = narrow(pool, needs)
        why = needs.record(unmet)
        strategy = Strategy.least_loaded
    chosen = choose(strategy, pool, last_user_id=last_user_id)
    if chosen is None:
        return None
    raw.run("UPDATE team_routing SET last_assigned_user_id = :u WHERE team_id = :t", {"u": chosen, "t": team_id})
    loaded = db.identity_map.get(identity_key(TeamRouting, team_id))
    if loaded is not None:  # the session holds the routing row (an admin change in this transaction): reread
        db.expire(loaded)
    return chosen, why

"""Ticket lists for queues and the API: filters, sort orders and cursor pagination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit import pagination
from frontline.kit.db import UTCDateTime
from frontline.kit.errors import InvalidInput
from frontline.tickets.access import visible_clause
from frontline.tickets.models import Priority, Tag, Ticket, TicketTag

SORTS: dict[str, pagination.SortKey] = {
    "-created": [(Ticket.created_at, True), (Ticket.id, True)],
    "created": [(Ticket.created_at, False), (Ticket.id, False)],
    "-updated": [(Ticket.updated_at, True), (Ticket.id, True)],
    "updated": [(Ticket.updated_at, False), (Ticket.id, False)],
    # The agent queue: most urgent first, then the longest waiting.
    "priority": [(Ticket.priority, True), (Ticket.created_at, False), (Ticket.id, False)],
}


@dataclass
class TicketFilter:
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    team_id: list[int] = field(default_factory=list)
    line: list[str] = field(default_factory=list)
    assignee: str | None = None  # an id, "me" or "none"
    tag: str | None = None
    contact_id: int | None = None
    organisation_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


def _assignee_clause(value: str, principal: Principal) -> ColumnElement[bool]:
    if value == "none":
        return Ticket.assignee_id.is_(None)
    if value == "me":
        return Ticket.assignee_id == principal.user_id
    if value.isdigit():
        return Ticket.assignee_id == int(value)
    raise InvalidInput("assignee must be an agent id, 'me' or 'none'.")


def _conditions(f: TicketFilter, principal: Principal) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [visible_clause(principal), Ticket.merged_into_id.is_(None)]
    if f.status:
        conds.append(Ticket.status.in_(f.status) if len(f.status) > 1 else Ticket.status == f.status[0])
    if f.priority:
        ranks = [int(Priority[p]) for p in f.priority]
        conds.append(Ticket.priority.in_(ranks) if len(ranks) > 1 else Ticket.priority == ranks[0])
    if f.team_id:
        conds.append(Ticket.team_id.in_(f.team_id) if len(f.team_id) > 1 else Ticket.team_id == f.team_id[0])
    if f.line:
        conds.append(Ticket.line.in_(f.line))
    if f.assignee is not None:
        conds.append(_assignee_clause(f.assignee, principal))
    if f.tag:
        conds.append(exists().where(
            TicketTag.ticket_id == Ticket.id, TicketTag.tag_id == select(Tag.id).where(Tag.name == f.tag.lower())
            .scalar_subquery()))
    if f.contact_id is not None:
        conds.append(Ticket.contact_id == f.contact_id)
    if f.organisation_id is not None:
        conds.append(Ticket.organisation_id == f.organisation_id)
    if f.created_after is not None:
        conds.append(Ticket.created_at >= f.created_after)
    if f.created_before is not None:
        conds.append(Ticket.created_at < f.created_before)
    return conds


MAX_PAIRS = 32  # team x status pairs read as branches of their own; beyond that one branch per priority


def unassigned_pairs(f: TicketFilter) -> list[tuple[int, str]]:
    """The (team, status) pairs of an unassigned-tickets filter limited to teams and statuses (the agent's
    'Team unassigned' queue). Each pair, per priority, is one ordered range of the partial index
    ix_ticket_unassigned_queue; with teams and statuses in IN lists neither database reads that index in
    order (PostgreSQL read every unassigned ticket of a priority, ~20,000 rows at a million tickets).
    Empty when the filter is not of that shape, or has more than MAX_PAIRS pairs."""
    if f.assignee != "none" or not f.team_id or not f.status:
        return []
    statuses = sorted({str(s) for s in f.status})
    pairs = [(int(team), status) for team in sorted(set(f.team_id)) for status in statuses]
    return pairs if len(pairs) <= MAX_PAIRS else []


def list_tickets(
    db: Session, principal: Principal, f: TicketFilter, *, sort: str = "-created", cursor: str | None = None,
    limit: int = 50,
) -> tuple[Sequence[Ticket], str | None]:
    """One page of tickets the principal may see, and the cursor of the next page (None at the end)."""
    if sort not in SORTS:
        raise InvalidInput(f"Unknown sort '{sort}'. Use one of: {', '.join(SORTS)}.")
    key = SORTS[sort]
    after = pagination.decode_cursor(cursor, key) if cursor else None
    if sort == "priority":
        pairs = unassigned_pairs(f)
        conds = _conditions(replace(f, team_id=[], status=[]) if pairs else f, principal)
        parts = [[Ticket.team_id == team, Ticket.status == status] for team, status in pairs]
        rows = _by_priority(db, conds, after, limit, parts)
    else:
        conds = _conditions(f, principal)
        query = select(Ticket).where(*conds)
        if after is not None:
            query = query.where(pagination.after(key, after))
        rows = db.scalars(query.order_by(*pagination.order_by(key)).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = pagination.encode_cursor([getattr(last, col.key) for col, _ in key])
    return rows, next_cursor


def _by_priority(db: Session, conds: list[ColumnElement[bool]], after: list[Any] | None, limit: int,
                 parts: Sequence[Sequence[ColumnElement[bool]]] = ()) -> Sequence[Ticket]:
    """The agent queue (urgent first, then oldest) as one index range per priority level (and per
    condition set of `parts`, when given: see unassigned_pairs).

    Neither database can read "priority DESC, created_at ASC" from an ascending index, nor turn the
    keyset OR into one range: at a million tickets they sort every row after the cursor. Four small
    ordered lookups (one per level, each `LIMIT n` on ix_ticket_queue) glued with UNION ALL stay flat
    from the first page to the last (benchmarks/queue_view.py).
    """
    top = int(after[0]) if after is not None else int(Priority.urgent)
    branches = []
    for level in range(top, int(Priority.low) - 1, -1):
        where = [*conds, Ticket.priority == level]
        if after is not None and level == top:
            where.append(tuple_(Ticket.created_at, Ticket.id) > tuple_(literal(after[1], UTCDateTime()),
                                                                      literal(after[2])))
        for part in parts or [()]:
            branch = select(Ticket).where(*where, *part).order_by(Ticket.created_at, Ticket.id).limit(limit + 1)
            branches.append(select(branch.subquery()))
    if not branches:
        return []
    page = union_all(*branches).subquery()
    ordered = (select(page).order_by(page.c.priority.desc(), page.c.created_at, page.c.id).limit(limit + 1))
    return db.scalars(select(Ticket).from_statement(ordered)).all()

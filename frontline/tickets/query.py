"""Ticket lists for the API and the agent's queues: the one builder of their filters, sort orders and cursor
pagination (plain SQL over `ticket t`; web/queues.py adds its SLA conditions and the due sort on top)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit import pagination
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.tickets.access import visible_parts, visible_sql
from frontline.tickets.models import Priority, Ticket

SORTS: dict[str, pagination.SortKey] = {  # the sort orders and the columns their cursors carry
    "-created": [(Ticket.created_at, True), (Ticket.id, True)],
    "created": [(Ticket.created_at, False), (Ticket.id, False)],
    "-updated": [(Ticket.updated_at, True), (Ticket.id, True)],
    "updated": [(Ticket.updated_at, False), (Ticket.id, False)],
    # The agent queue: most urgent first, then the longest waiting.
    "priority": [(Ticket.priority, True), (Ticket.created_at, False), (Ticket.id, False)],
}
_TIME_SQL = {  # sort column, descending?
    "-created": ("t.created_at", True), "created": ("t.created_at", False),
    "-updated": ("t.updated_at", True), "updated": ("t.updated_at", False),
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


class Where:
    """WHERE clauses over `ticket t` with named parameters, for both databases."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        self.clauses: list[str] = []
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def among(self, column: str, values: Sequence[Any]) -> str:
        if len(values) == 1:
            return f"{column} = {self.param(values[0])}"
        return f"{column} IN ({', '.join(self.param(v) for v in values)})"

    def add(self, clause: str) -> None:
        self.clauses.append(clause)

    def sql(self, extra: Sequence[str] = ()) -> str:
        return " AND ".join([*self.clauses, *extra]) or "1 = 1"


def visibility(raw: Raw, principal: Principal) -> Where:
    """The tickets `t` a principal may see (the one rule: tickets.access.visible_sql)."""
    w = Where(raw)
    clause = visible_sql(principal, w.param)
    if clause is not None:
        w.add(clause)
    return w


def conditions(raw: Raw, f: TicketFilter, principal: Principal) -> Where:
    """The filter as SQL, visibility and 'not merged away' included."""
    w = visibility(raw, principal)
    w.add("t.merged_into_id IS NULL")
    if f.status:
        w.add(w.among("t.status", [str(s) for s in f.status]))
    if f.priority:
        w.add(w.among("t.priority", [int(Priority[p]) for p in f.priority]))
    if f.team_id:
        w.add(w.among("t.team_id", [int(t) for t in f.team_id]))
    if f.line:
        w.add(w.among("t.line", [str(v) for v in f.line]))
    if f.assignee is not None:
        if f.assignee == "none":
            w.add("t.assignee_id IS NULL")
        elif f.assignee == "me":
            w.add(f"t.assignee_id = {w.param(principal.user_id)}")
        elif f.assignee.isdigit():
            w.add(f"t.assignee_id = {w.param(int(f.assignee))}")
        else:
            raise InvalidInput("assignee must be an agent id, 'me' or 'none'.")
    if f.tag:
        w.add("EXISTS (SELECT 1 FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id "
              f"WHERE tt.ticket_id = t.id AND g.name = {w.param(f.tag.lower())})")
    if f.contact_id is not None:
        w.add(f"t.contact_id = {w.param(f.contact_id)}")
    if f.organisation_id is not None:
        w.add(f"t.organisation_id = {w.param(f.organisation_id)}")
    if f.created_after is not None:
        w.add(f"t.created_at >= {w.param(raw.time(f.created_after))}")
    if f.created_before is not None:
        w.add(f"t.created_at < {w.param(raw.time(f.created_before))}")
    return w


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


Keys = list[tuple[int, list[Any]]]  # (ticket id, its cursor values), in the page's order


F = TypeVar("F", bound=TicketFilter)


def ordered_keys(raw: Raw, f: F, where: Callable[[F], Where], *, sort: str, cursor: str | None, limit: int,
                 principal: Principal | None = None) -> Keys:
    """Up to limit + 1 tickets of filter `f` (its conditions built by `where`) after `cursor`, in the order
    `sort` (one of SORTS): the priority order as index ranges per level (see by_priority), the time
    orders as one ordered range. `principal` (whose visibility `where` applies) lets the priority order read an
    agent's line queue team by team (tickets.access.visible_parts)."""
    if sort not in SORTS:
        raise InvalidInput(f"Unknown sort '{sort}'. Use one of: {', '.join(SORTS)}.")
    if sort == "priority":
        after = pagination.decode_shaped(cursor, "iti") if cursor else None
        splits = unassigned_pairs(f)
        if splits:
            w = where(replace(f, team_id=[], status=[]))
            parts = [[f"t.team_id = {w.param(team)}", f"t.status = {w.param(status)}"] for team, status in splits]
            return by_priority(raw, w, after, limit, [], parts)
        if principal is not None and f.line and not f.team_id and f.assignee is None:
            # A line queue of an agent: team by team, each an ordered range of ix_ticket_queue. As one OR the
            # agent's visibility made both databases read every ticket of their teams on that line and sort them
            # (270 ms at a million tickets on SQLite); a walk of the line index in order instead would read far
            # when the agent's teams hold a small part of the line. Queues without a line keep the planner's
            # choice (a walk of ix_ticket_status_created, which it makes well there).
            w = where(replace(f, status=[]))
            pieces = visible_parts(principal, w.param)
            statuses = sorted({str(s) for s in f.status})
            if pieces and len(pieces) * max(len(statuses), 1) <= MAX_PAIRS:
                status_parts = [f"t.status = {w.param(s)}" for s in statuses] or [""]
                parts = [[p, s] if s else [p] for p in pieces for s in status_parts]
                return by_priority(raw, w, after, limit, [], parts)
        return by_priority(raw, where(f), after, limit, [])
    return by_time(raw, where(f), sort, cursor, limit)


def by_time(raw: Raw, w: Where, sort: str, cursor: str | None, limit: int) -> Keys:
    column, desc = _TIME_SQL[sort]
    extra = []
    if cursor:
        at, last_id = pagination.decode_shaped(cursor, "ti")
        extra.append(f"({column}, t.id) {'<' if desc else '>'} ({w.param(raw.time(at))}, {w.param(last_id)})")
    direction = " DESC" if desc else ""
    rows = raw.rows(f"SELECT t.id, {column} FROM ticket t WHERE {w.sql(extra)} "
                    f"ORDER BY {column}{direction}, t.id{direction} LIMIT {int(limit) + 1}", w.params)
    return [(r[0], [raw.read_time(r[1]), r[0]]) for r in rows]


def by_priority(raw: Raw, w: Where, after: list[Any] | None, limit: int, extra: list[str],
                parts: Sequence[Sequence[str]] = ()) -> Keys:
    """The agent queue (urgent first, then oldest) as one ordered index range per priority level (and per
    condition set of `parts`, when given: see unassigned_pairs), glued with UNION ALL.

    Neither database can read "priority DESC, created_at ASC" from an ascending index, nor turn the
    keyset OR into one range: at a million tickets they sort every row after the cursor. Four small
    ordered lookups (one per level, each `LIMIT n` on the queue indexes) stay flat from the first page to
    the last (benchmarks/queue_view.py).
    """
    top = int(after[0]) if after is not None else int(Priority.urgent)
    if top < int(Priority.low) or top > int(Priority.urgent):
        raise InvalidInput("The cursor is not valid. Use the next_cursor of a previous page.")
    branches = []
    for level in range(top, int(Priority.low) - 1, -1):
        conds = [*extra, f"t.priority = {w.param(level)}"]
        if after is not None and level == top:
            conds.append(f"(t.created_at, t.id) > ({w.param(raw.time(after[1]))}, {w.param(after[2])})")
        for n, part in enumerate(parts or [()]):
            branches.append(f"SELECT * FROM (SELECT t.id, t.priority, t.created_at FROM ticket t "
                            f"WHERE {w.sql([*conds, *part])} "
                            f"ORDER BY t.created_at, t.id LIMIT {int(limit) + 1}) b{level}_{n}")
    sql = (f"SELECT id, priority, created_at FROM ({' UNION ALL '.join(branches)}) u "
           f"ORDER BY priority DESC, created_at, id LIMIT {int(limit) + 1}")
    return [(r[0], [r[1], raw.read_time(r[2]), r[0]]) for r in raw.rows(sql, w.params)]


def list_tickets(
    db: Session, principal: Principal, f: TicketFilter, *, sort: str = "-created", cursor: str | None = None,
    limit: int = 50,
) -> tuple[Sequence[Ticket], str | None]:
    """One page of tickets the principal may see, and the cursor of the next page (None at the end)."""
    raw = Raw(db)
    keys = ordered_keys(raw, f, lambda g: conditions(raw, g, principal), sort=sort, cursor=cursor, limit=limit,
                        principal=principal)
    next_cursor = pagination.encode_cursor(keys[limit - 1][1]) if len(keys) > limit else None
    ids = [k[0] for k in keys[:limit]]
    found = {t.id: t for t in db.scalars(select(Ticket).where(Ticket.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found], next_cursor

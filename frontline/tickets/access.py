"""Who may see which ticket. Every API endpoint and UI page fetches tickets through here."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, select, text, true
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.errors import NotFound
from frontline.kit.schemas import valid_id
from frontline.tickets.models import Ticket, TicketEvent

_REF = re.compile(r"^(?:[A-Za-z]{1,10}-)?(\d{1,12})$")


def parse_ref(ref: str | int) -> int | None:
    """Ticket id from 'FL-10042', '10042' or 10042; None when it cannot be one."""
    match = _REF.match(str(ref).strip())
    return int(match.group(1)) if match and valid_id(int(match.group(1))) else None


def visible_sql(principal: Principal, param: Callable[[Any], str], alias: str = "t") -> str | None:
    """THE rule of who may see a ticket, as a SQL condition on the ticket table `alias` (None: every ticket).

    A customer sees the one ticket of their portal link; supervisors and administrators see every ticket;
    an agent sees their teams' tickets and the ones assigned to them (escalated tickets included: they
    follow their team). `param(value)` binds a value and returns its placeholder. The API, the UI pages,
    search, queues and their counts all take it from here (through `visible_clause` on the ORM side).
    """
    if principal.is_customer:
        return f"{alias}.id = {param(principal.ticket_id or 0)}"
    if principal.sees_all_tickets:
        return None
    mine = f"{alias}.assignee_id = {param(principal.user_id or 0)}"
    teams = sorted(principal.team_ids)
    if not teams:
        return mine
    among = f"{alias}.team_id = {param(teams[0])}" if len(teams) == 1 else \
        f"{alias}.team_id IN ({', '.join(param(t) for t in teams)})"
    return f"({among} OR {mine})"


def visible_parts(principal: Principal, param: Callable[[Any], str], alias: str = "t") -> list[str]:
    """`visible_sql` cut into disjoint conditions whose union is exactly it: one per team of the agent, and the
    tickets assigned to them outside those teams. A queue reads each as one ordered index range (ix_ticket_queue,
    ix_ticket_assignee) instead of one OR that neither database reads in order (tickets/query.py). Empty when
    there is nothing to cut (customers, whoever sees every ticket, an agent of no team)."""
    teams = sorted(principal.team_ids)
    if principal.is_customer or principal.sees_all_tickets or not teams:
        return []
    me = param(principal.user_id or 0)
    outside = f"{alias}.team_id NOT IN ({', '.join(param(t) for t in teams)})"
    return [*(f"{alias}.team_id = {param(t)}" for t in teams),
            f"{alias}.assignee_id = {me} AND ({alias}.team_id IS NULL OR {outside})"]


_names = itertools.count()


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """`visible_sql` as a condition for ORM queries over `Ticket`."""
    params: dict[str, Any] = {}

    def param(value: Any) -> str:
        name = f"visible_{next(_names)}"
        params[name] = value
        return f":{name}"

    sql = visible_sql(principal, param, alias=Ticket.__tablename__)
    return true() if sql is None else text(sql).bindparams(**params)  # type: ignore[return-value]


def access_ticket(db: Session, principal: Principal, ref: str | int) -> Ticket:
    """The ticket, or NotFound alike for a missing ticket and one outside the caller's reach."""
    ticket_id = parse_ref(ref)
    ticket = db.scalar(select(Ticket).where(Ticket.id == ticket_id, visible_clause(principal))) \
        if ticket_id is not None else None
    if ticket is None:
        raise NotFound(f"No ticket {ref}.")
    return ticket


def readable_ticket(db: Session, principal: Principal, ref: str | int) -> tuple[Ticket, bool]:
    """The ticket for reading, and whether the caller may also change it.

    `visible_sql` decides both, with one addition for reading only: an agent who escalated a ticket out of their
    teams may still read it (to follow up on what they handed over), never change it. Everyone else gets the
    NotFound of `access_ticket`."""
    try:
        return access_ticket(db, principal, ref), True
    except NotFound:
        ticket_id = parse_ref(ref)
        if principal.is_customer or principal.user_id is None or ticket_id is None:
            raise
        escalated_by_me = db.scalar(select(TicketEvent.id).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "escalated",
            TicketEvent.actor_user_id == principal.user_id).limit(1))
        ticket = db.get(Ticket, ticket_id) if escalated_by_me is not None else None
        if ticket is None:
            raise
        return ticket, False

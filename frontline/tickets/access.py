"""Who may see which ticket. Every API endpoint and UI page fetches tickets through here."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.errors import NotFound
from frontline.kit.schemas import valid_id
from frontline.tickets.models import Ticket

_REF = re.compile(r"^(?:[A-Za-z]{1,10}-)?(\d{1,12})$")


def parse_ref(ref: str | int) -> int | None:
    """Ticket id from 'FL-10042', '10042' or 10042; None when it cannot be one."""
    match = _REF.match(str(ref).strip())
    return int(match.group(1)) if match and valid_id(int(match.group(1))) else None


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition for the tickets a principal may see: their teams' and their own."""
    if principal.is_customer:
        return Ticket.id == principal.ticket_id
    if principal.sees_all_tickets:
        return true()
    return or_(Ticket.team_id.in_(sorted(principal.team_ids)), Ticket.assignee_id == principal.user_id)


def can_see(principal: Principal, ticket: Ticket) -> bool:
    if principal.is_customer:
        return ticket.id == principal.ticket_id
    if principal.sees_all_tickets:
        return True
    return ticket.team_id in principal.team_ids or ticket.assignee_id == principal.user_id


def access_ticket(db: Session, principal: Principal, ref: str | int) -> Ticket:
    """The ticket, or NotFound alike for a missing ticket and one outside the caller's reach."""
    ticket_id = parse_ref(ref)
    ticket = db.get(Ticket, ticket_id) if ticket_id is not None else None
    if ticket is None or not can_see(principal, ticket):
        raise NotFound(f"No ticket {ref}.")
    return ticket

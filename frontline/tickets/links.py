"""Customers' signed ticket links: issued, checked, revoked.

A link names a ticket and its customer and carries when it was issued. It stops working when it
expires (`customer_link_days`), when the ticket's customer changes (the link names the old one), and
when the ticket's links or the contact's links are revoked after it was issued (`link_revocation`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.auth import authenticate_ticket_link
from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import Unauthorized
from frontline.kit.settings import Settings
from frontline.tickets.models import LinkRevocation, Ticket

VOID = "This ticket link is no longer valid. Ask support for a new one."


def customer_for_link(db: Session, settings: Settings, link: str) -> tuple[Principal, Ticket]:
    """The customer a link stands for and their ticket; Unauthorized for a link that is void."""
    customer = authenticate_ticket_link(settings, link)
    ticket = db.get(Ticket, customer.ticket_id) if customer.ticket_id else None
    if ticket is None or ticket.contact_id != customer.contact_id:
        raise Unauthorized(VOID)
    issued = customer.link_issued_at or datetime.min.replace(tzinfo=UTC)
    scope = LinkRevocation.ticket_id == ticket.id
    if ticket.contact_id is not None:
        scope = or_(scope, LinkRevocation.contact_id == ticket.contact_id)
    revoked = db.scalar(select(LinkRevocation.id).where(scope, LinkRevocation.revoked_at >= issued).limit(1))
    if revoked is not None:
        raise Unauthorized(VOID)
    return customer, ticket


def revoke_links(db: Session, *, ticket_id: int | None = None, contact_id: int | None = None,
                 actor_id: int | None) -> None:
    """Void the links issued until now: of one ticket, or of every ticket of a contact."""
    db.add(LinkRevocation(ticket_id=ticket_id, contact_id=contact_id, actor_user_id=actor_id, revoked_at=utcnow()))
    target = f"ticket:{ticket_id}" if ticket_id is not None else f"contact:{contact_id}"
    audit.record(db, "customer_links.revoked", actor_user_id=actor_id, target=target)
    db.flush()

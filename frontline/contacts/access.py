"""Who may see and change which contact.

Supervisors and administrators see every contact. An agent sees the contacts that have a ticket the
agent can see (one of the agent's teams, or assigned to the agent): the customer of another team's
ticket is a 404, like a missing contact. Changing a contact's identities (e-mail addresses, phones,
messenger ids) needs a supervisor or an administrator (contacts/identities.py audits it).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts.models import Contact
from frontline.kit.errors import NotFound
from frontline.kit.schemas import valid_id
from frontline.tickets.access import visible_clause
from frontline.tickets.models import Ticket


def visible_contacts(principal: Principal) -> ColumnElement[bool]:
    """SQL condition for the contacts a principal may see."""
    if principal.sees_all_tickets:
        return true()
    if principal.is_customer:
        return Contact.id == principal.contact_id
    return Contact.id.in_(select(Ticket.contact_id).where(visible_clause(principal), Ticket.contact_id.is_not(None)))


def access_contact(db: Session, principal: Principal, contact_id: int) -> Contact:
    """The contact, or NotFound alike for a missing one and one outside the caller's reach."""
    contact = db.scalar(select(Contact).where(Contact.id == contact_id, visible_contacts(principal))) \
        if valid_id(contact_id) else None
    if contact is None:
        raise NotFound(f"No contact with id {contact_id}.")
    return contact


def can_see_contact(db: Session, principal: Principal, contact_id: int) -> bool:
    return valid_id(contact_id) and db.scalar(
        select(Contact.id).where(Contact.id == contact_id, visible_contacts(principal))) is not None

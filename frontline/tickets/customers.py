"""The customers of tickets: who may see which contact (through the tickets they can see), and merging two
contacts (their tickets move). Above contacts/ (the records themselves), which knows nothing of tickets.

Supervisors and administrators see every contact. An agent sees the contacts that have a ticket the
agent can see (one of the agent's teams, or assigned to the agent), and contacts with no ticket at all (just
added, so that the agent can open a ticket for them): the customer of another team's ticket is a 404, like a
missing contact. Changing a contact's identities (e-mail addresses, phones,
messenger ids) needs a supervisor or an administrator (contacts/identities.py audits it).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, func, or_, select, true, update
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.principal import Principal
from frontline.contacts import hooks
from frontline.contacts.models import Contact, ContactIdentity
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.schemas import valid_id
from frontline.tickets.access import visible_clause
from frontline.tickets.models import Message, Ticket, TicketEvent


def visible_contacts(principal: Principal) -> ColumnElement[bool]:
    """SQL condition for the contacts a principal may see."""
    if principal.sees_all_tickets:
        return true()
    if principal.is_customer:
        return Contact.id == principal.contact_id
    # a contact with no ticket yet (just added, e.g. for a phone call) is nobody's customer: every agent may use it
    customers = select(Ticket.contact_id).where(visible_clause(principal), Ticket.contact_id.is_not(None))
    return or_(Contact.id.in_(customers), ~exists().where(Ticket.contact_id == Contact.id))


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


def merge_contacts(db: Session, source: Contact, target: Contact, actor: Principal) -> dict[str, int]:
    """Merge `source` into `target` (supervisors and administrators): the source's tickets, messages, ticket
    events and identities (pending ones stay pending) move to the target, its notes are appended, empty profile
    fields of the target are filled from it, and the source is deleted (with its portal sessions, login codes
    and link revocations; customer links issued for the source no longer open the moved tickets). Audited.
    Returns how many tickets and identities moved."""
    actor.require_supervisor()
    if source.id == target.id:
        raise InvalidInput("A contact cannot be merged into itself.")
    moved_tickets = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.contact_id == source.id)) or 0
    db.execute(update(Ticket).where(Ticket.contact_id == source.id).values(contact_id=target.id)
               .execution_options(synchronize_session=False))
    db.execute(update(Message).where(Message.author_contact_id == source.id).values(author_contact_id=target.id)
               .execution_options(synchronize_session=False))
    db.execute(update(TicketEvent).where(TicketEvent.actor_contact_id == source.id)
               .values(actor_contact_id=target.id).execution_options(synchronize_session=False))
    identities = [f"{i.kind}:{i.value}" for i in db.scalars(
        select(ContactIdentity).where(ContactIdentity.contact_id == source.id).order_by(ContactIdentity.id))]
    db.execute(update(ContactIdentity).where(ContactIdentity.contact_id == source.id)
               .values(contact_id=target.id).execution_options(synchronize_session=False))
    if source.notes.strip():
        target.notes = f"{target.notes.rstrip()}\n\n{source.notes.strip()}".strip()
    for field in ("name", "language", "time_zone", "organisation_id"):
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
    audit.record(db, "contact.merged", actor_user_id=actor.user_id, target=f"contact:{target.id}",
                 source=source.id, source_name=source.name, tickets=moved_tickets, identities=identities)
    source_id = source.id
    db.delete(source)
    db.flush()
    hooks.changed(db, source_id, merged_into=target.id)
    db.expire_all()
    return {"tickets": moved_tickets, "identities": len(identities)}

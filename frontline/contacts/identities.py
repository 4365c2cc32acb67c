"""Changing a contact's identities: supervisors and administrators only, audited, and a new e-mail
address stays pending (it opens no portal session) until the customer confirms it from an address
the contact already had (portal/identity.py sends the link)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.principal import Principal
from frontline.contacts import service
from frontline.contacts.models import Contact, ContactIdentity, IdentityKind
from frontline.contacts.schemas import ContactUpdate
from frontline.kit.db import utcnow

IDENTITY_FIELDS = frozenset({"emails", "phones", "identities"})


def changes_identities(data: ContactUpdate) -> bool:
    return bool(IDENTITY_FIELDS & data.model_fields_set)


def _identities(db: Session, contact_id: int) -> dict[tuple[str, str], ContactIdentity]:
    rows = db.scalars(select(ContactIdentity).where(ContactIdentity.contact_id == contact_id))
    return {(i.kind, i.value): i for i in rows}


def update_contact(db: Session, contact: Contact, data: ContactUpdate, actor: Principal) -> list[ContactIdentity]:
    """Apply a contact change; returns the e-mail identities it added (pending until confirmed)."""
    if changes_identities(data):
        actor.require_supervisor()
    before = _identities(db, contact.id)
    confirmed_before = {key for key, row in before.items() if row.pending_since is None}
    service.update_contact(db, contact, data)
    if not changes_identities(data):
        return []
    after = _identities(db, contact.id)
    now = utcnow()
    added = [row for key, row in after.items() if key not in confirmed_before]
    for row in added:  # update_contact re-creates the rows; what was confirmed before stays confirmed
        row.pending_since = now if row.kind == IdentityKind.email else None
    db.flush()
    audit.record(db, "contact.identities_changed", actor_user_id=actor.user_id, target=f"contact:{contact.id}",
                 old=sorted(f"{k}:{v}" for k, v in before), new=sorted(f"{k}:{v}" for k, v in after))
    return [row for row in added if row.pending_since is not None]


def confirmed_emails(db: Session, contact_id: int) -> list[str]:
    return list(db.scalars(select(ContactIdentity.value).where(
        ContactIdentity.contact_id == contact_id, ContactIdentity.kind == IdentityKind.email,
        ContactIdentity.pending_since.is_(None)).order_by(ContactIdentity.id)))


def confirm(db: Session, identity_id: int, value: str) -> bool:
    """Confirm a pending identity (the customer followed the link); False when it is gone or changed."""
    done = db.execute(update(ContactIdentity).where(ContactIdentity.id == identity_id, ContactIdentity.value == value,
                                                    ContactIdentity.pending_since.is_not(None))
                      .values(pending_since=None).execution_options(synchronize_session=False))
    if done.rowcount == 1:  # type: ignore[attr-defined]
        audit.record(db, "contact.identity_confirmed", actor_user_id=None, target=f"identity:{identity_id}",
                     value=value)
        return True
    return False

"""Contacts and organisations. A contact is found by any of its identities (e-mail, phone, messenger)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontline.accounts.service import check_timezone
from frontline.contacts import hooks, queries
from frontline.contacts.models import Contact, ContactIdentity, IdentityKind, Organisation
from frontline.contacts.schemas import ContactCreate, ContactUpdate, OrganisationCreate, OrganisationUpdate
from frontline.kit.db import utcnow
from frontline.kit.errors import Conflict, InvalidInput, NotFound
from frontline.kit.rawsql import Raw

_EMAIL = re.compile(r"^[^@\s<>]+@(?:[^@\s<>.]+\.)*[^@\s<>.]+$")
"""A local part and a domain of one or more labels: single-label domains (root@intranet) are valid mail addresses."""


def normalise_identity(kind: str, value: str) -> str:
    value = value.strip()
    if kind == IdentityKind.email:
        value = value.lower()
        if not _EMAIL.match(value) or len(value) > 320:
            raise InvalidInput(f"'{value}' is not an e-mail address.")
    elif kind == IdentityKind.phone:
        digits = re.sub(r"[^\d+]", "", value)
        if len(re.sub(r"\D", "", digits)) < 5:
            raise InvalidInput(f"'{value}' is not a phone number.")
        value = digits
    return value


def _identities(data: ContactCreate | ContactUpdate) -> list[tuple[str, str]]:
    pairs = [(IdentityKind.email.value, e) for e in data.emails or []]
    pairs += [(IdentityKind.phone.value, p) for p in data.phones or []]
    pairs += [(i.kind.value, i.value) for i in data.identities or []]
    seen: dict[tuple[str, str], None] = {}
    for kind, value in pairs:
        seen[(kind, normalise_identity(kind, value))] = None
    return list(seen)


def find_contact(db: Session, kind: str, value: str) -> Contact | None:
    value = normalise_identity(kind, value)
    return db.scalar(
        select(Contact).join(ContactIdentity).where(ContactIdentity.kind == kind, ContactIdentity.value == value)
    )


def organisation_for_email(db: Session | Raw, email: str) -> int | None:
    """Contacts join the organisation that claims their e-mail domain."""
    raw = db if isinstance(db, Raw) else Raw(db)
    return queries.organisation_by_domain(raw, email.rsplit("@", 1)[-1])


@dataclass(frozen=True, slots=True)
class ContactRef:
    id: int
    organisation_id: int | None
    created: bool


def contact_for_email(db: Session | Raw, address: str, *, name: str = "", language: str | None = None,
                      now: datetime | None = None) -> ContactRef:
    """The contact with this e-mail address, created on first contact (with the e-mail identity, and the
    organisation that claims the address's domain). Every path that meets a new address uses this one: ticket
    creation (API, portal, e-mail), replies by e-mail, confirmed senders. Plain SQL: it runs for every mail.
    Raises InvalidInput for an address no contact can have."""
    raw = db if isinstance(db, Raw) else Raw(db)
    address = normalise_identity(IdentityKind.email, address)
    found = queries.contact_by_identity(raw, IdentityKind.email.value, address)
    if found is not None:
        return ContactRef(found[0], found[1], created=False)
    org_id = organisation_for_email(raw, address)
    contact_id = queries.insert_contact(raw, (name or address.split("@")[0])[:200], language, org_id,
                                        now or utcnow())
    queries.insert_identity(raw, contact_id, IdentityKind.email.value, address)
    return ContactRef(contact_id, org_id, created=True)


def _check_organisation(db: Session, organisation_id: int | None) -> None:
    if organisation_id is not None and db.get(Organisation, organisation_id) is None:
        raise InvalidInput(f"No organisation with id {organisation_id}.")


def _add_identities(db: Session, contact_id: int, pairs: Iterable[tuple[str, str]]) -> None:
    for kind, value in pairs:
        owner = db.scalar(
            select(ContactIdentity.contact_id).where(ContactIdentity.kind == kind, ContactIdentity.value == value)
        )
        if owner is not None and owner != contact_id:
            raise Conflict(f"The {kind} '{value}' already belongs to contact {owner}.")
        if owner is None:
            db.add(ContactIdentity(contact_id=contact_id, kind=kind, value=value))


def create_contact(db: Session, data: ContactCreate) -> Contact:
    pairs = _identities(data)
    _check_organisation(db, data.organisation_id)
    if data.time_zone:
        check_timezone(data.time_zone)
    org_id = data.organisation_id
    if org_id is None:
        org_id = next((organisation_for_email(db, v) for k, v in pairs if k == IdentityKind.email), None)
    contact = Contact(name=data.name, language=data.language, time_zone=data.time_zone or None,
                      organisation_id=org_id, notes=data.notes)
    db.add(contact)
    db.flush()
    _add_identities(db, contact.id, pairs)
    db.flush()
    return contact


def update_contact(db: Session, contact: Contact, data: ContactUpdate) -> Contact:
    changes = data.model_dump(exclude_unset=True, exclude={"emails", "phones", "identities"})
    if "organisation_id" in changes:
        _check_organisation(db, changes["organisation_id"])
    if changes.get("time_zone"):
        check_timezone(changes["time_zone"])
    elif "time_zone" in changes:
        changes["time_zone"] = None  # an empty zone clears it
    for field, value in changes.items():
        if value is not None or field in ("organisation_id", "language", "time_zone"):
            setattr(contact, field, value)
    if data.emails is not None or data.phones is not None or data.identities is not None:
        pairs = _identities(data)
        db.execute(delete(ContactIdentity).where(ContactIdentity.contact_id == contact.id))
        db.flush()
        _add_identities(db, contact.id, pairs)
    db.flush()
    hooks.changed(db, contact.id)
    return contact


def get_contact(db: Session, contact_id: int) -> Contact:
    contact = db.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"No contact with id {contact_id}.")
    return contact


def identities_of(db: Session, contact_ids: Sequence[int]) -> dict[int, list[ContactIdentity]]:
    result: dict[int, list[ContactIdentity]] = {cid: [] for cid in contact_ids}
    rows = db.scalars(
        select(ContactIdentity).where(ContactIdentity.contact_id.in_(contact_ids)).order_by(ContactIdentity.id)
    )
    for identity in rows:
        result[identity.contact_id].append(identity)
    return result


def list_contacts(db: Session, *, q: str | None, after_id: int | None, limit: int,
                  where: ColumnElement[bool] | None = None) -> Sequence[Contact]:
    query = select(Contact).order_by(Contact.id).limit(limit)
    if where is not None:
        query = query.where(where)
    if after_id is not None:
        query = query.where(Contact.id > after_id)
    if q:
        needle = f"%{q.lower()}%"
        query = query.where(
            Contact.name.ilike(needle)
            | Contact.id.in_(select(ContactIdentity.contact_id).where(ContactIdentity.value.like(needle)))
        )
    return db.scalars(query).all()


def create_organisation(db: Session, data: OrganisationCreate) -> Organisation:
    org = Organisation(name=data.name, domains=[d.lower() for d in data.domains], tier=data.tier, notes=data.notes)
    db.add(org)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise Conflict(f"An organisation named '{data.name}' already exists.") from exc
    return org


def update_organisation(db: Session, org: Organisation, data: OrganisationUpdate) -> Organisation:
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(org, field, [d.lower() for d in value] if field == "domains" else value)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise Conflict("Another organisation already has that name.") from exc
    return org


def get_organisation(db: Session, org_id: int) -> Organisation:
    org = db.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"No organisation with id {org_id}.")
    return org


def list_organisations(db: Session) -> Sequence[Organisation]:
    return db.scalars(select(Organisation).order_by(Organisation.name)).all()

"""REST endpoints for contacts (customers) and organisations.

Contacts are scoped like tickets (tickets/customers.py); changing identities needs a supervisor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query

from frontline.accounts.deps import DB, AppSettings, Reader, Supervisor, Writer, only_query
from frontline.contacts import identities, service
from frontline.contacts.models import Contact
from frontline.contacts.schemas import (
    ContactCreate,
    ContactMerge,
    ContactOut,
    ContactUpdate,
    IdentityOut,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
)
from frontline.kit.openapi import raises
from frontline.kit.schemas import Id, Page
from frontline.portal.identity import confirmation_mails
from frontline.portal.login import end_contact_sessions
from frontline.portal.mail import send_notice
from frontline.tickets.customers import access_contact, merge_contacts, visible_contacts
from frontline.tickets.links import revoke_links

router = APIRouter(tags=["contacts"])


def _out(db: DB, contacts: list[Contact]) -> list[ContactOut]:
    found = service.identities_of(db, [c.id for c in contacts])
    return [
        ContactOut.model_validate(c).model_copy(
            update={"identities": [IdentityOut.model_validate(i) for i in found[c.id]]}
        )
        for c in contacts
    ]


@router.get("/contacts", response_model=Page[ContactOut], dependencies=[Depends(only_query("q", "cursor", "limit"))])
def get_contacts(
    db: DB, caller: Reader, q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[Id | None, Query()] = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ContactOut]:
    """Contacts by name or any identity (e-mail, phone); `cursor` is the last id of the previous page.

    Agents see the customers of the tickets they can see; supervisors and administrators see all."""
    rows = list(service.list_contacts(db, q=q, after_id=cursor, limit=limit + 1, where=visible_contacts(caller)))
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return Page[ContactOut](items=_out(db, rows[:limit]), next_cursor=next_cursor)


@router.post("/contacts", status_code=201, response_model=ContactOut)
def post_contact(body: ContactCreate, db: DB, caller: Writer) -> ContactOut:
    return _out(db, [service.create_contact(db, body)])[0]


@router.get("/contacts/{contact_id}", response_model=ContactOut)
def get_contact(contact_id: Id, db: DB, caller: Reader) -> ContactOut:
    return _out(db, [access_contact(db, caller, contact_id)])[0]


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
def patch_contact(contact_id: Id, body: ContactUpdate, db: DB, caller: Writer, settings: AppSettings,
                  background: BackgroundTasks) -> ContactOut:
    """Change a contact. Identities (`emails`, `phones`, `identities`) only by supervisors and administrators;
    a new e-mail address is pending until the customer confirms it from an address the contact already had."""
    contact = access_contact(db, caller, contact_id)
    pending = identities.update_contact(db, contact, body, caller)
    for mail in confirmation_mails(db, settings, contact.id, pending):
        background.add_task(send_notice, settings, mail)
    return _out(db, [contact])[0]


@router.post("/contacts/{contact_id}/merge", response_model=ContactOut)
@raises(403, 404)
def post_contact_merge(contact_id: Id, body: ContactMerge, db: DB, caller: Supervisor) -> ContactOut:
    """Merge this contact into `into` (supervisors and administrators): its tickets, identities and notes move
    there and this contact is deleted. Answers the contact that stays."""
    target = access_contact(db, caller, body.into)
    merge_contacts(db, access_contact(db, caller, contact_id), target, caller)
    return _out(db, [target])[0]


@router.delete("/contacts/{contact_id}/customer-links", status_code=204)
@raises(403)
def delete_contact_links(contact_id: Id, db: DB, caller: Supervisor) -> None:
    """Void every customer link of this contact's tickets issued until now, and end their portal sessions."""
    contact = access_contact(db, caller, contact_id)
    revoke_links(db, contact_id=contact.id, actor_id=caller.user_id)
    end_contact_sessions(db, contact.id)


@router.get("/organisations", response_model=list[OrganisationOut])
def get_organisations(db: DB, caller: Reader) -> list[OrganisationOut]:
    return [OrganisationOut.model_validate(o) for o in service.list_organisations(db)]


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def post_organisation(body: OrganisationCreate, db: DB, caller: Writer) -> OrganisationOut:
    return OrganisationOut.model_validate(service.create_organisation(db, body))


@router.get("/organisations/{org_id}", response_model=OrganisationOut)
def get_organisation(org_id: Id, db: DB, caller: Reader) -> OrganisationOut:
    return OrganisationOut.model_validate(service.get_organisation(db, org_id))


@router.patch("/organisations/{org_id}", response_model=OrganisationOut)
def patch_organisation(org_id: Id, body: OrganisationUpdate, db: DB, caller: Writer) -> OrganisationOut:
    return OrganisationOut.model_validate(service.update_organisation(db, service.get_organisation(db, org_id), body))

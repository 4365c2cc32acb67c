"""REST endpoints for contacts (customers) and organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from frontline.accounts.deps import DB, Reader, Writer, only_query
from frontline.contacts import service
from frontline.contacts.models import Contact
from frontline.contacts.schemas import (
    ContactCreate,
    ContactOut,
    ContactUpdate,
    IdentityOut,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
)
from frontline.kit.schemas import Id, Page

router = APIRouter(tags=["contacts"])


def _out(db: DB, contacts: list[Contact]) -> list[ContactOut]:
    identities = service.identities_of(db, [c.id for c in contacts])
    return [
        ContactOut.model_validate(c).model_copy(
            update={"identities": [IdentityOut.model_validate(i) for i in identities[c.id]]}
        )
        for c in contacts
    ]


@router.get("/contacts", response_model=Page[ContactOut], dependencies=[Depends(only_query("q", "cursor", "limit"))])
def get_contacts(
    db: DB, caller: Reader, q: str | None = None, cursor: Annotated[Id | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ContactOut]:
    """Contacts by name or any identity (e-mail, phone); `cursor` is the last id of the previous page."""
    rows = list(service.list_contacts(db, q=q, after_id=cursor, limit=limit + 1))
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return Page[ContactOut](items=_out(db, rows[:limit]), next_cursor=next_cursor)


@router.post("/contacts", status_code=201, response_model=ContactOut)
def post_contact(body: ContactCreate, db: DB, caller: Writer) -> ContactOut:
    return _out(db, [service.create_contact(db, body)])[0]


@router.get("/contacts/{contact_id}", response_model=ContactOut)
def get_contact(contact_id: Id, db: DB, caller: Reader) -> ContactOut:
    return _out(db, [service.get_contact(db, contact_id)])[0]


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
def patch_contact(contact_id: Id, body: ContactUpdate, db: DB, caller: Writer) -> ContactOut:
    return _out(db, [service.update_contact(db, service.get_contact(db, contact_id), body)])[0]


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

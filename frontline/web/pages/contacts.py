"""Contact and organisation pages: a customer's profile, identities, tickets across channels, editing and
merging two contacts; an organisation's members, domains and tickets.

Who may see a contact is tickets/customers.py (a contact outside the agent's reach is the same 404 as a
missing one); the tickets listed are the ones the viewer may see (tickets/access.py), the rest only
counted. Edits go through contacts/identities.py (identity changes: supervisors and administrators,
audited, new e-mail addresses pending) and merging through tickets/customers.merge_contacts.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB, AppSettings
from frontline.contacts import identities, service
from frontline.contacts.models import Contact, ContactIdentity, IdentityKind, Organisation
from frontline.contacts.schemas import ContactUpdate, IdentityIn
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.schemas import Id
from frontline.portal.identity import confirmation_mails
from frontline.portal.mail import send_notice
from frontline.tickets.access import visible_clause
from frontline.tickets.customers import access_contact, merge_contacts, visible_contacts
from frontline.tickets.models import Ticket
from frontline.web import forms, i18n, notices
from frontline.web.i18n import N_, _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(verify_csrf)])
TICKET_LIMIT = 200
ZONES = sorted(available_timezones())
FIELDS = {"name": N_("Name"), "language": N_("Language"), "time_zone": N_("Time zone"), "notes": N_("Notes"),
          "organisation_id": N_("Organisation"), "emails": N_("E-mail addresses"), "phones": N_("Phones")}


def _tickets(db: Session, agent: WebAgent, scope: ColumnElement[bool]) -> tuple[list[Ticket], int]:
    """The tickets in `scope` the agent may see (newest first) and how many others exist outside their reach."""
    seen = list(db.scalars(select(Ticket).where(scope, visible_clause(agent.principal))
                           .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(TICKET_LIMIT)))
    total = db.scalar(select(func.count()).select_from(Ticket).where(scope)) or 0
    if agent.principal.sees_all_tickets:
        return seen, 0
    visible = db.scalar(select(func.count()).select_from(Ticket).where(scope, visible_clause(agent.principal))) or 0
    return seen, max(total - visible, 0)


def _contact_context(db: Session, agent: WebAgent, contact: Contact) -> dict[str, Any]:
    tickets, hidden = _tickets(db, agent, Ticket.contact_id == contact.id)
    found = service.identities_of(db, [contact.id])[contact.id]
    return {
        "contact": contact, "identities": found,
        "organisation": db.get(Organisation, contact.organisation_id) if contact.organisation_id else None,
        "organisations": service.list_organisations(db), "tickets": tickets, "hidden": hidden,
        "emails": [i.value for i in found if i.kind == IdentityKind.email],
        "phones": [i.value for i in found if i.kind == IdentityKind.phone],
        "languages": i18n.LANGUAGES, "zones": ZONES, "may_change_identities": agent.principal.sees_all_tickets,
        **nav_context(db, agent), "current": "",
    }


@router.get("/contacts/{contact_id}")
def contact_page(request: Request, contact_id: Id, db: DB, agent: Agent) -> Response:
    contact = access_contact(db, agent.principal, contact_id)
    return render(request, "contact.html", _contact_context(db, agent, contact))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _update(found: list[ContactIdentity], name: str, language: str, time_zone: str, organisation_id: str,
            notes: str, emails: str, phones: str, identity_form: bool) -> ContactUpdate:
    """The form as a ContactUpdate; identities only when the form sends them and they differ from the stored."""
    if organisation_id and not organisation_id.isdigit():
        raise InvalidInput(_("Please check these fields: %(fields)s.", fields=_(FIELDS["organisation_id"])))
    data: dict[str, Any] = {"name": name, "language": language or None, "time_zone": time_zone or None,
                            "organisation_id": int(organisation_id) if organisation_id else None, "notes": notes}
    if identity_form or emails or phones:  # outside the identity form, a field left out keeps what is stored
        stored = {kind: [i.value for i in found if i.kind == kind] for kind in (IdentityKind.email, IdentityKind.phone)}
        wanted = {IdentityKind.email.value: _lines(emails) if identity_form or emails else stored[IdentityKind.email],
                  IdentityKind.phone.value: _lines(phones) if identity_form or phones else stored[IdentityKind.phone]}
        if {k: sorted(set(v)) for k, v in wanted.items()} != {k: sorted(set(v)) for k, v in stored.items()}:
            data["emails"] = wanted[IdentityKind.email.value]
            data["phones"] = wanted[IdentityKind.phone.value]
            data["identities"] = [IdentityIn(kind=IdentityKind(i.kind), value=i.value) for i in found
                                  if i.kind not in wanted]  # messenger ids stay as they are
    return forms.validated(ContactUpdate, data, FIELDS)


@router.post("/contacts/{contact_id}")
def edit_contact(
    contact_id: Id, db: DB, agent: Agent, settings: AppSettings, background: BackgroundTasks,
    name: Annotated[str, Form(max_length=200)] = "", language: Annotated[str, Form(max_length=10)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "", organisation_id: Annotated[str, Form(max_length=20)] = "",
    notes: Annotated[str, Form(max_length=20000)] = "", emails: Annotated[str, Form(max_length=8000)] = "",
    phones: Annotated[str, Form(max_length=2000)] = "", identity_form: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """Profile fields for every agent who may see the contact; e-mail addresses and phones (sent only by the
    supervisor's form) follow the identity rule of contacts/identities.py."""
    contact = access_contact(db, agent.principal, contact_id)
    found = service.identities_of(db, [contact.id])[contact.id]
    data = _update(found, name, language, time_zone, organisation_id, notes, emails, phones, bool(identity_form))
    pending = identities.update_contact(db, contact, data, agent.principal)
    for mail in confirmation_mails(db, settings, contact.id, pending):
        background.add_task(send_notice, settings, mail)
    return notices.redirect(f"/ui/contacts/{contact.id}", "contact_pending" if pending else "contact_saved")


def _other_contact(db: Session, agent: WebAgent, other: str) -> Contact:
    """The contact the supervisor typed: its number or one of its e-mail addresses or phones."""
    other = other.strip()
    if other.isdigit() and len(other) <= 12:
        return access_contact(db, agent.principal, int(other))
    for kind in (IdentityKind.email, IdentityKind.phone):
        try:
            found = service.find_contact(db, kind, other)
        except InvalidInput:
            continue
        if found is not None:
            return access_contact(db, agent.principal, found.id)
    raise NotFound(_("No contact has the number, e-mail address or phone “%(value)s”.", value=other[:200]))


@router.post("/contacts/{contact_id}/merge/preview")
def merge_preview(request: Request, contact_id: Id, db: DB, agent: Agent,
                  other: Annotated[str, Form(min_length=1, max_length=320)]) -> Response:
    """The confirmation step: both contacts side by side, what moves, and a button that merges."""
    agent.principal.require_supervisor()
    target = access_contact(db, agent.principal, contact_id)
    source = _other_contact(db, agent, other)
    if source.id == target.id:
        raise InvalidInput(_("A contact cannot be merged into itself."))
    tickets, _hidden = _tickets(db, agent, Ticket.contact_id == source.id)
    return render(request, "contact_merge.html", {
        "target": target, "source": source, "tickets": tickets,
        "identities": service.identities_of(db, [source.id])[source.id], **nav_context(db, agent), "current": "",
    })


@router.post("/contacts/{contact_id}/merge")
def merge(contact_id: Id, db: DB, agent: Agent, source_id: Annotated[Id, Form()]) -> Response:
    agent.principal.require_supervisor()
    target = access_contact(db, agent.principal, contact_id)
    merge_contacts(db, access_contact(db, agent.principal, source_id), target, agent.principal)
    return notices.redirect(f"/ui/contacts/{target.id}", "contacts_merged")


@router.get("/organisations/{org_id}")
def organisation_page(request: Request, org_id: Id, db: DB, agent: Agent) -> Response:
    """Members (the contacts the viewer may see), e-mail domains and the organisation's tickets."""
    org = service.get_organisation(db, org_id)
    members = list(db.scalars(select(Contact).where(Contact.organisation_id == org.id,
                                                    visible_contacts(agent.principal))
                              .order_by(Contact.name, Contact.id).limit(TICKET_LIMIT)))
    in_org = select(Contact.id).where(Contact.organisation_id == org.id).scalar_subquery()
    tickets, hidden = _tickets(db, agent, or_(Ticket.organisation_id == org.id, Ticket.contact_id.in_(in_org)))
    names = {t.contact_id: "" for t in tickets if t.contact_id}
    for cid, cname in db.execute(select(Contact.id, Contact.name).where(Contact.id.in_(list(names)))):
        names[cid] = cname
    return render(request, "organisation.html", {
        "org": org, "members": members, "member_emails": service.identities_of(db, [m.id for m in members]),
        "tickets": tickets, "hidden": hidden, "names": names, **nav_context(db, agent), "current": "",
    })

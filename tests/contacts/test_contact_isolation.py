"""Contacts are scoped like tickets; identities change only by supervisors, audited, and a new address
opens the portal only once the customer confirmed it from an address the contact already had."""

from __future__ import annotations

import re

from sqlalchemy import select

from frontline.accounts.models import AuditLog
from frontline.portal import login as portal_login
from frontline.portal.identity import confirmation_mails
from frontline.search.service import search
from tests.factories import ticket_payload


def _ticket(client, desk, team):  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/tickets", json=ticket_payload(team_id=team.id), headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_agent_outside_the_team_cannot_find_or_read_the_customer(client, desk):
    theirs = _ticket(client, desk, desk.l2)
    mine = _ticket(client, desk, desk.l1)
    outsider = desk.agent1.headers
    assert client.get(f"/api/v1/contacts/{theirs['contact_id']}", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/contacts/{mine['contact_id']}", headers=outsider).status_code == 200
    listed = client.get("/api/v1/contacts", headers=outsider).json()["items"]
    assert [c["id"] for c in listed] == [mine["contact_id"]]
    assert client.get("/api/v1/contacts?q=customer", headers=outsider).json()["items"] == listed
    assert len(client.get("/api/v1/contacts", headers=desk.supervisor.headers).json()["items"]) == 2
    r = client.patch(f"/api/v1/contacts/{theirs['contact_id']}", json={"notes": "mine now"}, headers=outsider)
    assert r.status_code == 404
    r = client.post("/api/v1/tickets", json=ticket_payload(contact_id=theirs["contact_id"], customer=None),
                    headers=outsider)
    assert r.status_code == 422 and "No contact" in r.json()["detail"]
    r = client.patch(f"/api/v1/tickets/{mine['id']}", json={"contact_id": theirs["contact_id"]}, headers=outsider)
    assert r.status_code == 422


def test_an_agent_opens_a_ticket_for_a_contact_just_added_and_it_then_belongs_to_the_team(client, desk):
    """Defect: an agent who added a caller (phone only) could not open the ticket for them: a contact with no
    ticket was visible to no agent, so `contact_id` answered 422 "No contact"."""
    added = client.post("/api/v1/contacts", json={"name": "Caller", "phones": ["+7 900 123-45-67"]},
                        headers=desk.agent1.headers)
    assert added.status_code == 201, added.text
    contact_id = added.json()["id"]
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=desk.agent2.headers).status_code == 200
    r = client.post("/api/v1/tickets", json=ticket_payload(contact_id=contact_id, customer=None, channel="phone",
                                                           team_id=desk.l1.id), headers=desk.agent1.headers)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=desk.agent1.headers).status_code == 200
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=desk.agent2.headers).status_code == 404  # L1 customer


def test_ui_search_hides_customers_of_other_teams(client, database, desk):
    theirs = _ticket(client, desk, desk.l2)
    name = client.get(f"/api/v1/contacts/{theirs['contact_id']}", headers=desk.admin.headers).json()["name"]
    with database.session(write=False) as db:
        from frontline.accounts.auth import authenticate_token

        outsider = authenticate_token(db, desk.agent1.token)
        supervisor = authenticate_token(db, desk.supervisor.token)
        assert [h for h in search(db, outsider, name) if h.kind == "contact"] == []
        assert [h for h in search(db, supervisor, name) if h.kind == "contact"]


def test_identity_changes_need_a_supervisor_and_are_audited(client, database, desk):
    mine = _ticket(client, desk, desk.l1)
    path = f"/api/v1/contacts/{mine['contact_id']}"
    current = client.get(path, headers=desk.agent1.headers).json()["identities"][0]["value"]
    r = client.patch(path, json={"emails": [current, "agent-owned@evil.example"]}, headers=desk.agent1.headers)
    assert r.status_code == 403
    assert client.patch(path, json={"notes": "VIP"}, headers=desk.agent1.headers).status_code == 200
    r = client.patch(path, json={"emails": [current, "second@client.example"]}, headers=desk.supervisor.headers)
    assert r.status_code == 200, r.text
    pending = {i["value"]: i["pending_since"] for i in r.json()["identities"]}
    assert pending[current] is None and pending["second@client.example"] is not None
    with database.session(write=False) as db:
        row = db.scalars(select(AuditLog).where(AuditLog.action == "contact.identities_changed")).one()
        assert row.actor_user_id == desk.supervisor.user.id and "email:second@client.example" in row.data["new"]


def test_a_new_address_opens_the_portal_only_after_the_customer_confirms_it(client, database, desk, settings):
    client.post("/api/v1/mailboxes", json={"name": "out", "address": "support@desk.example",
                                           "smtp_host": "smtp.invalid"}, headers=desk.admin.headers)
    mine = _ticket(client, desk, desk.l1)
    path = f"/api/v1/contacts/{mine['contact_id']}"
    old = client.get(path, headers=desk.admin.headers).json()["identities"][0]["value"]
    client.patch(path, json={"emails": [old, "new@client.example"]}, headers=desk.supervisor.headers)
    with database.session() as db:
        refused = portal_login.request_code(db, settings, email="new@client.example", ip="192.0.2.1", language="en")
        assert refused.status == "sent" and refused.mail is None  # like an unknown address: no code is sent
        pending = [i for i in db.scalars(select(portal_login.ContactIdentity).where(
            portal_login.ContactIdentity.value == "new@client.example"))]
        mails = confirmation_mails(db, settings, mine["contact_id"], pending)
    assert [m.to for m in mails] == [old]  # the contact's own address, not the new one
    link = re.search(r"(/portal/identity/\S+)", mails[0].text).group(1)  # type: ignore[union-attr]
    page = client.get(link)
    assert page.status_code == 200 and "new@client.example" in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    done = client.post(link, data={"csrf": csrf})
    assert done.status_code == 200 and "is confirmed" in done.text
    assert client.post(link, data={"csrf": csrf}).status_code == 404  # once
    with database.session() as db:
        sent = portal_login.request_code(db, settings, email="new@client.example", ip="192.0.2.1", language="en")
        assert sent.mail is not None

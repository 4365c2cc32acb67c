"""Merging two contacts (tickets/customers.merge_contacts) over the API, and a contact's time zone."""

from __future__ import annotations

from sqlalchemy import select

from frontline.accounts.models import AuditLog
from frontline.contacts.models import Contact, ContactIdentity
from frontline.portal.models import PortalSession
from frontline.tickets.models import Message, Ticket
from tests.factories import ticket_payload


def _ticket(client, desk, team, email: str, name: str):  # type: ignore[no-untyped-def]
    body = ticket_payload(team_id=team.id, customer={"email": email, "name": name})
    r = client.post("/api/v1/tickets", json=body, headers=desk.admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_supervisor_merges_a_contact_and_everything_follows(client, database, desk):
    kept = _ticket(client, desk, desk.l1, "kate@client.example", "Kate")
    gone = _ticket(client, desk, desk.l2, "kate.b@home.example", "Kate B")
    into, source = kept["contact_id"], gone["contact_id"]
    change = {"notes": "Calls after 6pm", "time_zone": "Europe/Riga", "emails": ["kate.b@home.example"],
              "phones": ["+371 2000 0000"]}
    assert client.patch(f"/api/v1/contacts/{source}", json=change, headers=desk.supervisor.headers).status_code == 200
    with database.session() as db:
        db.add(PortalSession(token_hash="x" * 64, contact_id=source, expires_at=db.get(Contact, source).created_at))  # type: ignore[union-attr]

    r = client.post(f"/api/v1/contacts/{source}/merge", json={"into": into}, headers=desk.supervisor.headers)
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["id"] == into and merged["time_zone"] == "Europe/Riga" and "Calls after 6pm" in merged["notes"]
    assert {i["value"] for i in merged["identities"]} == {"kate@client.example", "kate.b@home.example",
                                                           "+37120000000"}
    assert client.get(f"/api/v1/contacts/{source}", headers=desk.supervisor.headers).status_code == 404
    with database.session() as db:
        assert db.scalars(select(Ticket.contact_id).where(Ticket.id.in_([kept["id"], gone["id"]]))).all() == [
            into, into]
        assert db.scalars(select(Message.author_contact_id).where(Message.ticket_id == gone["id"])).all() == [into]
        assert db.scalars(select(PortalSession).where(PortalSession.contact_id == source)).all() == []
        assert db.scalars(select(ContactIdentity.contact_id).distinct()).all() == [into]
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "contact.merged")).one()
        assert audit.target == f"contact:{into}" and audit.data["source"] == source and audit.data["tickets"] == 1
    # the customer of the other team's ticket is now the contact the L1 agent can see, with both tickets' owner
    assert client.get(f"/api/v1/contacts/{into}", headers=desk.agent1.headers).status_code == 200


def test_merge_is_for_supervisors_and_refuses_bad_targets(client, database, desk):
    a = _ticket(client, desk, desk.l1, "a@client.example", "A")["contact_id"]
    b = _ticket(client, desk, desk.l1, "b@client.example", "B")["contact_id"]
    hidden = _ticket(client, desk, desk.l2, "c@client.example", "C")["contact_id"]
    agent = desk.agent1.headers
    assert client.post(f"/api/v1/contacts/{b}/merge", json={"into": a}, headers=agent).status_code == 403
    assert client.post(f"/api/v1/contacts/{hidden}/merge", json={"into": a}, headers=agent).status_code == 403
    sup = desk.supervisor.headers
    assert client.post(f"/api/v1/contacts/{b}/merge", json={"into": b}, headers=sup).status_code == 422
    assert client.post(f"/api/v1/contacts/{b}/merge", json={"into": 999999}, headers=sup).status_code == 404
    assert client.post("/api/v1/contacts/999999/merge", json={"into": a}, headers=sup).status_code == 404
    assert client.post(f"/api/v1/contacts/{b}/merge", json={"into": "x"}, headers=sup).status_code == 422
    assert client.post(f"/api/v1/contacts/{b}/merge", json={}, headers=sup).status_code == 422
    with database.session() as db:
        assert {c for c in db.scalars(select(Contact.id))} == {a, b, hidden}


def test_a_contact_time_zone_must_be_a_real_zone(client, desk):
    contact = _ticket(client, desk, desk.l1, "t@client.example", "T")["contact_id"]
    path = f"/api/v1/contacts/{contact}"
    r = client.patch(path, json={"time_zone": "Mars/Olympus"}, headers=desk.agent1.headers)
    assert r.status_code == 422 and "Mars/Olympus" in r.json()["detail"]
    assert client.patch(path, json={"time_zone": "Asia/Tokyo"}, headers=desk.agent1.headers).json()[
        "time_zone"] == "Asia/Tokyo"
    assert client.patch(path, json={"time_zone": ""}, headers=desk.agent1.headers).json()["time_zone"] is None

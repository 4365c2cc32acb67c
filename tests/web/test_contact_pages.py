"""Contact and organisation pages: a supervisor's journey from a ticket to the contact page, editing and
merging two contacts; and the same pages tried as an attacker (outside agent, anonymous, no CSRF, bad input)."""

from __future__ import annotations

import re

from sqlalchemy import select

from frontline.accounts.models import AuditLog
from frontline.contacts.models import Contact, ContactIdentity
from frontline.contacts.schemas import OrganisationCreate
from frontline.contacts.service import create_organisation
from frontline.tickets.models import Ticket
from tests.web.conftest import make_ticket


def _organisation(database, name: str = "Client Corp", domains: list[str] | None = None) -> int:  # type: ignore[no-untyped-def]
    with database.session() as db:
        return create_organisation(db, OrganisationCreate(name=name, domains=domains or ["client.example"])).id


def _contact_of(database, ticket_id: int) -> int:  # type: ignore[no-untyped-def]
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
        assert ticket is not None and ticket.contact_id is not None
        return ticket.contact_id


def test_supervisor_follows_the_customer_link_edits_and_merges(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    org_id = _organisation(database)
    first = make_ticket(database, desk.l1.id, subject="Printer is broken")
    ann = _contact_of(database, first)
    second = make_ticket(database, desk.l2.id, subject="Invoice twice", channel="portal",
                         customer={"email": "ann.private@home.example", "name": "Ann at home"})
    other = _contact_of(database, second)
    supervisor = browser_for(desk.supervisor)

    ticket_page = supervisor.get(f"/ui/tickets/{first}").text
    link = re.search(r'<a href="(/ui/contacts/\d+)" id="customer-link">', ticket_page)
    assert link and link.group(1) == f"/ui/contacts/{ann}"
    page = supervisor.get(link.group(1))
    assert page.status_code == 200
    assert "Ann Customer" in page.text and "ann@client.example" in page.text and f"FL-{first}" in page.text
    assert f'href="/ui/organisations/{org_id}"' in page.text  # joined by its e-mail domain

    saved = supervisor.post(f"/ui/contacts/{ann}", {
        "name": "Ann Smith", "organisation_id": str(org_id), "language": "ru", "time_zone": "Europe/Moscow",
        "notes": "Prefers phone calls.", "emails": "ann@client.example", "phones": "+44 20 7946 0000",
        "identity_form": "1"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/ui/contacts/{ann}?done=contact_saved"
    page = supervisor.get(saved.headers["location"]).text
    assert "Contact saved." in page and "Ann Smith" in page and "Europe/Moscow" in page
    assert "Prefers phone calls." in page and "+442079460000" in page

    preview = supervisor.post(f"/ui/contacts/{ann}/merge/preview", {"other": "ann.private@home.example"})
    assert preview.status_code == 200 and "Merge Ann at home into Ann Smith?" in preview.text
    assert f"FL-{second}" in preview.text  # what moves is shown before anything happens
    with database.session() as db:
        assert db.get(Contact, other) is not None  # the preview changes nothing
    merged = supervisor.post(f"/ui/contacts/{ann}/merge", {"source_id": str(other)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/ui/contacts/{ann}?done=contacts_merged"
    page = supervisor.get(merged.headers["location"]).text
    assert "Contacts merged" in page
    assert f"FL-{first}" in page and f"FL-{second}" in page and "Invoice twice" in page
    assert "ann.private@home.example" in page and "Portal" in page  # tickets across channels
    assert supervisor.get(f"/ui/contacts/{other}").status_code == 404
    with database.session() as db:
        assert db.scalars(select(Ticket.contact_id).where(Ticket.id.in_([first, second]))).all() == [ann, ann]
        audit = db.scalars(select(AuditLog).where(AuditLog.action == "contact.merged")).one()
        assert audit.actor_user_id == desk.supervisor.user.id and audit.data["source"] == other

    org_page = supervisor.get(f"/ui/organisations/{org_id}").text
    assert "Client Corp" in org_page and "client.example" in org_page and f'href="/ui/contacts/{ann}"' in org_page
    assert f"FL-{first}" in org_page and f"FL-{second}" in org_page
    queue = supervisor.get("/ui/queues/all").text
    assert f'href="/ui/contacts/{ann}">Ann Smith</a>' in queue


def test_search_card_leads_to_the_contact_page(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket = make_ticket(database, desk.l1.id, customer={"email": "zoe@shop.example", "name": "Zoe Quartz"})
    html = browser_for(desk.supervisor).get("/ui/search", params={"q": "Quartz"}).text
    assert f'href="/ui/contacts/{_contact_of(database, ticket)}"' in html


def test_agent_edits_profile_but_not_identities_and_cannot_merge(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ticket = make_ticket(database, desk.l1.id)
    ann = _contact_of(database, ticket)
    other = _contact_of(database, make_ticket(database, desk.l1.id, customer={"email": "b@client.example"}))
    agent = browser_for(desk.agent1)
    page = agent.get(f"/ui/contacts/{ann}").text
    assert 'name="emails"' not in page and "/merge/preview" not in page
    assert agent.post(f"/ui/contacts/{ann}", {"name": "Ann K", "notes": "VIP"}).status_code == 303
    assert agent.post(f"/ui/contacts/{ann}", {"name": "Ann K", "emails": "mine@evil.example",
                                              "phones": ""}).status_code == 403
    assert agent.post(f"/ui/contacts/{ann}/merge/preview", {"other": str(other)}).status_code == 403
    assert agent.post(f"/ui/contacts/{ann}/merge", {"source_id": str(other)}).status_code == 403
    with database.session() as db:
        contact = db.get(Contact, ann)
        assert contact is not None and contact.name == "Ann K" and contact.notes == "VIP"
        assert db.scalars(select(ContactIdentity.value).where(ContactIdentity.contact_id == ann)).all() == [
            "ann@client.example"]
        assert db.get(Contact, other) is not None


def test_a_contact_outside_reach_is_the_same_404_as_a_missing_one(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    org_id = _organisation(database)
    ann = _contact_of(database, make_ticket(database, desk.l1.id))
    outsider = browser_for(desk.agent2)
    hidden = outsider.get(f"/ui/contacts/{ann}")
    missing = outsider.get("/ui/contacts/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(f"id {ann}.", "id N.") == missing.text.replace("id 999999.", "id N.")
    assert outsider.post(f"/ui/contacts/{ann}", {"name": "Pwned"}).status_code == 404
    org_page = outsider.get(f"/ui/organisations/{org_id}").text
    assert "Ann Customer" not in org_page and "Printer is broken" not in org_page
    assert "1 more tickets are outside your teams." in org_page
    with database.session() as db:
        assert db.get(Contact, ann).name == "Ann Customer"  # type: ignore[union-attr]


def test_anonymous_visitors_go_to_the_login_and_posts_need_csrf(client, browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ann = _contact_of(database, make_ticket(database, desk.l1.id))
    org_id = _organisation(database)
    for url in (f"/ui/contacts/{ann}", f"/ui/organisations/{org_id}"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    supervisor = browser_for(desk.supervisor)
    forged = supervisor.client.post(f"/ui/contacts/{ann}", data={"name": "Forged"}, follow_redirects=False)
    assert forged.status_code == 403
    other = _contact_of(database, make_ticket(database, desk.l1.id, customer={"email": "c@client.example"}))
    forged = supervisor.client.post(f"/ui/contacts/{ann}/merge", data={"source_id": str(other)},
                                    follow_redirects=False)
    assert forged.status_code == 403
    with database.session() as db:
        assert db.get(Contact, ann).name == "Ann Customer"  # type: ignore[union-attr]
        assert db.get(Contact, other) is not None


def test_bad_input_is_a_4xx(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ann = _contact_of(database, make_ticket(database, desk.l1.id))
    supervisor = browser_for(desk.supervisor)
    cases = [
        ("get", "/ui/contacts/abc", None), ("get", "/ui/contacts/0", None),
        ("get", "/ui/contacts/99999999999999", None), ("get", "/ui/organisations/-1", None),
        ("post", f"/ui/contacts/{ann}", {"time_zone": "Mars/Olympus"}),
        ("post", f"/ui/contacts/{ann}", {"organisation_id": "x"}),
        ("post", f"/ui/contacts/{ann}", {"organisation_id": "424242"}),
        ("post", f"/ui/contacts/{ann}", {"name": "x" * 201}),
        ("post", f"/ui/contacts/{ann}", {"emails": "not an address", "phones": ""}),
        ("post", f"/ui/contacts/{ann}", {"name": "nul\x00"}),
        ("post", f"/ui/contacts/{ann}/merge/preview", {"other": str(ann)}),
        ("post", f"/ui/contacts/{ann}/merge/preview", {"other": "nobody@nowhere.example"}),
        ("post", f"/ui/contacts/{ann}/merge/preview", {"other": ""}),
        ("post", f"/ui/contacts/{ann}/merge", {"source_id": str(ann)}),
        ("post", f"/ui/contacts/{ann}/merge", {"source_id": "abc"}),
        ("post", f"/ui/contacts/{ann}/merge", {"source_id": "999999"}),
    ]
    for method, url, data in cases:
        response = supervisor.get(url) if method == "get" else supervisor.post(url, data)
        assert 400 <= response.status_code < 500, (url, data, response.status_code)
    bad_zone = supervisor.post(f"/ui/contacts/{ann}", {"time_zone": "Mars/Olympus"})
    assert bad_zone.status_code == 422 and "Mars/Olympus" in bad_zone.text
    with database.session() as db:
        contact = db.get(Contact, ann)
        assert contact is not None and contact.time_zone is None and contact.name == "Ann Customer"


def test_a_new_address_from_the_page_is_pending_and_audited(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    ann = _contact_of(database, make_ticket(database, desk.l1.id))
    supervisor = browser_for(desk.supervisor)
    saved = supervisor.post(f"/ui/contacts/{ann}", {"name": "Ann Customer", "identity_form": "1",
                                                    "emails": "ann@client.example\nann@new.example", "phones": ""})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=contact_pending")
    page = supervisor.get(saved.headers["location"]).text
    assert "stays pending until the customer confirms it" in page and "waiting for the customer" in page
    with database.session() as db:
        rows = {i.value: i.pending_since for i in db.scalars(select(ContactIdentity).where(
            ContactIdentity.contact_id == ann))}
        assert rows["ann@client.example"] is None and rows["ann@new.example"] is not None
        assert db.scalars(select(AuditLog).where(AuditLog.action == "contact.identities_changed")).one()
    again = supervisor.post(f"/ui/contacts/{ann}", {"name": "Ann C", "identity_form": "1",
                                                    "emails": "ann@new.example\nann@client.example", "phones": ""})
    assert again.headers["location"].endswith("?done=contact_saved")  # same addresses: no identity change, no new audit
    with database.session() as db:
        assert len(db.scalars(select(AuditLog).where(AuditLog.action == "contact.identities_changed")).all()) == 1

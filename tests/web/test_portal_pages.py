"""The customer portal: submit, private link, reply, solve; honeypot and rate limit; no internal notes."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from frontline.tickets.models import Attachment, Ticket
from tests.web.conftest import csrf_of


def _submit(client, **fields):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/portal").text)
    data = {"name": "Olga", "email": "olga@client.example", "subject": "Invoice wrong",
            "description": "The invoice shows the wrong amount.", "csrf": token, **fields}
    return client.post("/portal", data=data, files={"files": ("scan.pdf", b"%PDF-1.4", "application/pdf")})


def test_submit_shows_number_and_link_and_customer_can_reply(client, browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    page = _submit(client)
    assert page.status_code == 200
    number = re.search(r'id="ticket-number">(FL-\d+)<', page.text).group(1)
    link = re.search(r'href="(/portal/t/[^"]+)"', page.text).group(1)
    ticket_id = int(number[3:])
    with database.session() as db:
        assert db.get(Ticket, ticket_id).channel == "portal"
        assert db.scalar(select(func.count()).select_from(Attachment).where(Attachment.ticket_id == ticket_id)) == 1
    agent = browser_for(desk.admin)
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "Secret internal remark", "kind": "note"})
    agent.post(f"/ui/tickets/{ticket_id}/reply", {"body": "We will correct it.", "kind": "reply"})
    view = client.get(link).text
    assert "We will correct it." in view and "Secret internal remark" not in view and "scan.pdf" in view
    reply = client.post(link + "/reply", data={"body": "Thanks!", "csrf": csrf_of(view)}, follow_redirects=False)
    assert reply.status_code == 303 and "Thanks!" in client.get(link).text
    client.post(link + "/solve", data={"csrf": csrf_of(view)})
    with database.session() as db:
        assert db.get(Ticket, ticket_id).status == "solved"


def test_tampered_link_shows_nothing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/portal/t/WzEwMDAxLDFd.bad.signature")
    assert response.status_code == 401 and "not valid" in response.text


def test_honeypot_creates_nothing(client, database) -> None:  # type: ignore[no-untyped-def]
    page = _submit(client, website="http://spam.example")
    assert page.status_code == 200 and "ticket-number" not in page.text
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 0


def test_rate_limit_per_ip(client, database) -> None:  # type: ignore[no-untyped-def]
    statuses = [_submit(client, subject=f"Flood {i}").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 5


def test_invalid_email_is_explained_in_russian(client) -> None:  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "ru"
    page = _submit(client, email="not-an-address")
    assert page.status_code == 422 and "Укажите действующий адрес" in page.text

"""Issue 11.1: an agent's public reply on a portal ticket reaches the customer by e-mail with the private link, in
the customer's language; a reply that cannot be delivered says so on the ticket's timeline."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontline.channels.email.intake import ingest
from frontline.channels.email.models import Mailbox
from frontline.channels.email.outbound import send_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, Ticket, TicketEvent
from tests.channels.email.conftest import SmtpCapture, make_mail
from tests.channels.email.test_outbound import use_smtp
from tests.web.conftest import browser_for, csrf_of  # noqa: F401 (browser_for: the fixture)


def _submit(client: TestClient, *, email: str = "olga@client.example", subject: str = "Invoice wrong",
            description: str = "The invoice shows the wrong amount.") -> tuple[int, str]:
    page = client.post("/portal", data={"name": "Olga", "email": email, "subject": subject,
                                        "description": description, "csrf": csrf_of(client.get("/portal").text)})
    assert page.status_code == 200, page.text
    number = re.search(r'id="ticket-number">FL-(\d+)<', page.text)
    link = re.search(r'href="(/portal/t/[^"]+)"', page.text)
    assert number and link
    return int(number.group(1)), link.group(1)


def _reply(client: TestClient, desk: Any, ticket_id: int, text: str) -> int:
    response = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=desk.admin.headers,
                           json={"kind": "reply", "body_text": text})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _plain(mail: Any) -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    return bytes(part.get_payload(decode=True)).decode(part.get_content_charset() or "utf-8")


def _state(database: Database, message_id: int) -> str | None:
    with database.session(write=False) as db:
        message = db.get(Message, message_id)
        return message.delivery_status if message else None


def _failures(database: Database, ticket_id: int) -> list[dict[str, Any]]:
    with database.session(write=False) as db:
        return [e.data or {} for e in db.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "delivery_failed"))]


def test_portal_reply_is_mailed_with_the_private_link_and_the_answer_joins_the_ticket(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    ticket_id, _link = _submit(client)
    reply_id = _reply(client, desk, ticket_id, "We corrected the invoice.")
    report = send_pending(database, email_settings)
    assert (report.queued, report.sent, report.failed) == (1, 1, 0)  # the acknowledgement went at submit
    assert _state(database, reply_id) == "sent"
    [sent] = [c for c in capture.messages if str(c.message["Subject"]).startswith("Re:")]
    assert sent.recipients == ["olga@client.example"]
    assert sent.message["Subject"] == f"Re: Invoice wrong [FL-{ticket_id}]"
    text = _plain(sent.message)
    assert "We corrected the invoice." in text
    assert "through your private link" in text
    mailed = re.search(re.escape(email_settings.base_url.rstrip("/")) + r"(/portal/t/\S+)", text)
    assert mailed is not None
    page = client.get(mailed.group(1))  # the mailed link opens the customer's ticket
    assert page.status_code == 200 and "We corrected the invoice." in page.text
    answer = ingest(database, email_settings, mailbox.id, make_mail(
        sender="Olga <olga@client.example>", subject=f"Re: Invoice wrong [FL-{ticket_id}]",
        in_reply_to=sent.message["Message-ID"], body="Thank you, it is right now."), source="test")
    assert answer.ticket_id == ticket_id
    with database.session(write=False) as db:
        texts = db.scalars(select(Message.body_text).where(Message.ticket_id == ticket_id, Message.kind == "inbound")
                           .order_by(Message.id)).all()
    assert texts[-1] == "Thank you, it is right now."


def test_portal_reply_is_in_russian_for_a_russian_customer(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    ticket_id, _link = _submit(client, subject="Неверный счёт", description="В счёте неправильная сумма, исправьте.")
    _reply(client, desk, ticket_id, "Исправили счёт.")
    send_pending(database, email_settings)
    [sent] = [c for c in capture.messages if str(c.message["Subject"]).startswith("Re:")]
    text = _plain(sent.message)
    assert "по личной ссылке" in text and "/portal/t/" in text and "private link" not in text


def test_portal_reply_without_an_outgoing_mailbox_shows_it_was_not_delivered(
        database: Database, email_settings: Settings, desk: Any, client: TestClient,
        browser_for: Any) -> None:  # noqa: F811 (the fixture imported above)
    ticket_id, _link = _submit(client)
    reply_id = _reply(client, desk, ticket_id, "We corrected the invoice.")
    send_pending(database, email_settings)
    assert _state(database, reply_id) == "failed"
    assert [f["reason"] for f in _failures(database, ticket_id)] == ["no_mailbox"]
    page = browser_for(desk.admin).get(f"/ui/tickets/{ticket_id}")
    assert "The reply was not delivered to the customer by e-mail" in page.text
    assert "none has an SMTP server" in page.text


def test_reply_to_a_customer_without_an_address_shows_it_was_not_delivered(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    use_smtp(database, mailbox, smtp[1])
    ticket_id, _link = _submit(client)
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.contact_id = None
    reply_id = _reply(client, desk, ticket_id, "We corrected the invoice.")
    send_pending(database, email_settings)
    assert _state(database, reply_id) == "failed"
    assert [f["reason"] for f in _failures(database, ticket_id)] == ["no_address"]


def test_portal_reply_refused_by_the_smtp_server_shows_why(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    ticket_id, _link = _submit(client)
    capture.reject = (550, "5.1.1 No such user")
    reply_id = _reply(client, desk, ticket_id, "We corrected the invoice.")
    send_pending(database, email_settings)
    assert _state(database, reply_id) == "failed"
    [failure] = [f for f in _failures(database, ticket_id) if f.get("message_id") == reply_id]
    assert "550" in failure["error"] and "No such user" in failure["error"]

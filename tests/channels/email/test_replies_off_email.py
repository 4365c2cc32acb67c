"""Issue 11: an agent's public reply reaches the customer by e-mail whatever channel the ticket came by (web form,
API, phone; the portal is tests/channels/email/test_portal_replies.py), with the private link, and the
customer's answer by e-mail joins the ticket; a reply with nowhere to go says so on the ticket's timeline.
Before, replies on these tickets stayed 'pending' for ever and were never sent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontline.channels.email.intake import ingest
from frontline.channels.email.models import Mailbox
from frontline.jobs import run_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, TicketEvent
from tests.channels.email.conftest import SmtpCapture, make_mail
from tests.channels.email.test_outbound import use_smtp
from tests.channels.email.test_portal_replies import _plain, _reply, _state
from tests.factories import ticket_payload


@pytest.mark.parametrize("channel", ["api", "web", "phone"])
def test_a_reply_on_a_ticket_that_did_not_come_by_mail_reaches_the_customer_by_mail(
        channel: str, database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    created = client.post("/api/v1/tickets", headers=desk.agent1.headers, json=ticket_payload(
        subject="Order 1182 not delivered", channel=channel, team_id=desk.l1.id,
        customer={"email": "nina@client.example", "name": "Nina"}))
    assert created.status_code == 201, created.text
    ticket_id = int(created.json()["id"])
    reply_id = _reply(client, desk, ticket_id, "The parcel left our warehouse today.")
    assert run_pending(database) >= 1  # the send job the reply queued when it committed
    assert _state(database, reply_id) == "sent"
    [sent] = [c for c in capture.messages if str(c.message["Subject"]).startswith("Re:")]
    assert sent.recipients == ["nina@client.example"]
    assert sent.message["Subject"] == f"Re: Order 1182 not delivered [FL-{ticket_id}]"
    text = _plain(sent.message)
    assert "The parcel left our warehouse today." in text
    mailed = re.search(re.escape(email_settings.base_url.rstrip("/")) + r"(/portal/t/\S+)", text)
    assert mailed is not None and "The parcel left our warehouse" in client.get(mailed.group(1)).text
    answer = ingest(database, email_settings, mailbox.id, make_mail(
        sender="Nina <nina@client.example>", subject=f"Re: Order 1182 not delivered [FL-{ticket_id}]",
        in_reply_to=sent.message["Message-ID"], body="Thank you, it arrived."), source="test")
    assert answer.ticket_id == ticket_id
    with database.session(write=False) as db:
        last = db.scalar(select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id.desc()))
    assert last is not None and (last.kind, last.body_text) == ("inbound", "Thank you, it arrived.")


def test_a_reply_to_a_caller_with_no_address_says_it_was_not_delivered(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    use_smtp(database, mailbox, smtp[1])
    contact = client.post("/api/v1/contacts", headers=desk.supervisor.headers,
                          json={"name": "Caller", "phones": ["+7 900 123-45-67"]})
    assert contact.status_code == 201, contact.text
    created = client.post("/api/v1/tickets", headers=desk.supervisor.headers, json=ticket_payload(
        subject="Called about a refund", channel="phone", team_id=desk.l1.id, customer=None,
        contact_id=contact.json()["id"]))
    assert created.status_code == 201, created.text
    ticket_id = int(created.json()["id"])
    reply_id = _reply(client, desk, ticket_id, "The refund is on its way.")
    run_pending(database)
    assert _state(database, reply_id) == "failed" and smtp[0].messages == []
    with database.session(write=False) as db:
        failures = [e.data or {} for e in db.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "delivery_failed"))]
    assert [f["reason"] for f in failures] == ["no_address"]

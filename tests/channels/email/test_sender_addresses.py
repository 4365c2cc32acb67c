"""Issue 12, class 8: a malformed From that could only be salvaged into a possibly different address gets no
acknowledgement, no reply and no contact until an agent confirms it (API and ticket page); valid but unusual
addresses get a contact. Batched intake, the real SMTP capture server, both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from frontline.channels.email.models import EmailTicket, Mailbox
from frontline.channels.email.outbound import send_pending
from frontline.contacts.models import ContactIdentity
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, Ticket, TicketEvent
from tests.channels.email.conftest import SmtpCapture, make_mail
from tests.channels.email.fidelity import deliver, fixture, stored
from tests.channels.email.test_outbound import _reply, use_smtp
from tests.web.conftest import browser_for  # noqa: F401  (the fixture)


def _delivery(database: Database, message_id: int) -> str | None:
    with database.session(write=False) as db:
        message = db.get(Message, message_id)
        return message.delivery_status if message else None


def test_salvaged_sender_is_held_until_an_agent_confirms_it(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, client: Any,
        smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    [result] = deliver(database, email_settings, mailbox, fixture("from_salvaged.eml"))
    mail = stored(database, result)
    assert result.status == "new_ticket" and mail.ticket is not None
    assert mail.ticket.contact_id is None  # doe@client.example may be somebody else: no contact yet
    assert mail.meta["sender_unconfirmed"] == {"address": "doe@client.example",
                                               "header": "john doe <john doe@client.example>"}
    assert mail.acks == 0 and "auto_ack_skipped" in mail.events
    [note] = mail.notes
    assert "john doe <john doe@client.example>" in note and "doe@client.example" in note and "confirm" in note
    assert mail.attachments == ["original.eml"]
    reply = _reply(database, email_settings, desk, mail.ticket.id, "Your password is reset.")
    report = send_pending(database, email_settings)
    assert (report.sent, report.failed) == (0, 1) and capture.messages == []
    assert _delivery(database, reply) == "failed"
    with database.session(write=False) as db:
        ticket = db.get(Ticket, mail.ticket.id)
        assert ticket is not None
        [failed] = db.scalars(select(TicketEvent.data).where(TicketEvent.ticket_id == ticket.id,
                                                             TicketEvent.kind == "delivery_failed")).all()
    assert failed is not None and "malformed From header" in failed["error"] and "Confirm sender" in failed["error"]

    confirmed = client.post(f"/api/v1/tickets/{ticket.id}/email/confirm-sender", headers=desk.agent1.headers)
    assert confirmed.status_code == 200 and confirmed.json() == {"ticket_id": ticket.id,
                                                                 "address": "doe@client.example"}
    again = client.post(f"/api/v1/tickets/{ticket.id}/email/confirm-sender", headers=desk.agent1.headers)
    assert again.status_code == 422
    with database.session(write=False) as db:
        linked = db.get(Ticket, ticket.id)
        assert linked is not None and linked.contact_id is not None
        identity = db.scalar(select(ContactIdentity.value).where(ContactIdentity.contact_id == linked.contact_id))
    assert identity == "doe@client.example"
    second = _reply(database, email_settings, desk, ticket.id, "Sorry, once more: your password is reset.")
    assert send_pending(database, email_settings).sent == 1
    assert _delivery(database, second) == "sent" and capture.messages[0].recipients == ["doe@client.example"]


def test_confirm_sender_on_the_ticket_page(database: Database, email_settings: Settings, mailbox: Mailbox,
                                           desk: Any, browser_for: Any) -> None:  # noqa: F811
    [result] = deliver(database, email_settings, mailbox, fixture("from_salvaged.eml"))
    agent = browser_for(desk.agent1)
    page = agent.get(f"/ui/tickets/{result.ticket_id}").text
    assert "doe@client.example was read from a malformed From header" in page and "Confirm sender address" in page
    response = agent.post(f"/ui/tickets/{result.ticket_id}/confirm-sender")
    assert response.status_code == 303
    assert "Confirm sender address" not in agent.get(f"/ui/tickets/{result.ticket_id}").text
    with database.session(write=False) as db:
        ticket = db.get(Ticket, result.ticket_id)
        assert ticket is not None and ticket.contact_id is not None


@pytest.mark.parametrize("address", ["maria@helpdesk.test", "maria@client.example", "maria@gone.invalid",
                                     "maria@printer.local"])
def test_unusual_but_valid_addresses_get_a_contact(address: str, database: Database, email_settings: Settings,
                                                   mailbox: Mailbox) -> None:
    [result] = deliver(database, email_settings, mailbox, make_mail(sender=f"Maria <{address}>"))
    mail = stored(database, result)
    assert mail.ticket is not None and mail.ticket.contact_id is not None and mail.acks == 1
    assert "sender_unconfirmed" not in mail.meta and mail.notes == []
    with database.session(write=False) as db:
        identity = db.scalar(select(ContactIdentity.value).where(ContactIdentity.contact_id == mail.ticket.contact_id))
    assert identity == address


def test_single_label_domain_still_gets_a_ticket_and_its_mail(database: Database, email_settings: Settings,
                                                              mailbox: Mailbox) -> None:
    """root@intranet: the ticket, the acknowledgement, the reply address and a contact are there (issue 12.8: the
    contact was missing, contacts refused single-label domains)."""
    [result] = deliver(database, email_settings, mailbox, make_mail(sender="Root <root@intranet>"))
    mail = stored(database, result)
    assert result.status == "new_ticket" and mail.acks == 1
    with database.session(write=False) as db:
        route = db.get(EmailTicket, result.ticket_id)
        assert route is not None and route.customer_address == "root@intranet"
        ticket = db.get(Ticket, result.ticket_id)
        assert ticket is not None and ticket.contact_id is not None
        identities = db.scalars(select(ContactIdentity.value).where(ContactIdentity.contact_id == ticket.contact_id))
        assert list(identities) == ["root@intranet"]

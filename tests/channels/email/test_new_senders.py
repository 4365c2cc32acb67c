"""Issue 9, defect 1: whoever writes in for the first time gets a contact the way the contacts service makes one,
whatever the path: a new sender at a customer company's domain joins that organisation, whether their first mail
is a reply on a colleague's ticket or a new request, and so do their later tickets (organisation-based SLA
policies depend on it). Both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from frontline.channels.email.intake import IntakeResult, ingest
from frontline.channels.email.models import Mailbox
from frontline.contacts.models import Contact, ContactIdentity
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, Ticket
from tests.channels.email.conftest import make_mail
from tests.factories import make_organisation


def _in(database: Database, settings: Settings, mailbox: Mailbox, raw: bytes) -> IntakeResult:
    return ingest(database, settings, mailbox.id, raw, source="test")


def _contact_of(database: Database, address: str) -> Contact:
    with database.session(write=False) as db:
        contact = db.scalar(select(Contact).join(ContactIdentity).where(ContactIdentity.kind == "email",
                                                                        ContactIdentity.value == address))
        assert contact is not None
        return contact


def test_a_colleague_replying_on_a_ticket_joins_the_organisation_and_so_do_their_tickets(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any) -> None:
    make_organisation(database, "Other", ["other.example", "acme.example.org"])
    acme = make_organisation(database, "Acme", ["Acme.example"])
    first = _in(database, email_settings, mailbox, make_mail(
        sender="Anna Berg <anna@acme.example>", subject="VPN down", message_id="<vpn-1@acme.example>",
        cc="Bob Stone <bob@acme.example>"))
    assert first.status == "new_ticket"
    reply = _in(database, email_settings, mailbox, make_mail(
        sender="Bob Stone <Bob@ACME.example>", subject="Re: VPN down", in_reply_to="<vpn-1@acme.example>",
        body="Same here, since 9 o'clock."))
    assert (reply.status, reply.ticket_id) == ("joined", first.ticket_id)
    bob = _contact_of(database, "bob@acme.example")
    assert (bob.name, bob.organisation_id) == ("Bob Stone", acme)
    with database.session(write=False) as db:
        message = db.get(Message, reply.message_id)
        assert message is not None and message.author_contact_id == bob.id

    later = _in(database, email_settings, mailbox, make_mail(sender="Bob Stone <bob@acme.example>",
                                                             subject="Printer jammed"))
    assert later.status == "new_ticket" and later.ticket_id != first.ticket_id
    with database.session(write=False) as db:
        ticket = db.get(Ticket, later.ticket_id)
        assert ticket is not None and (ticket.contact_id, ticket.organisation_id) == (bob.id, acme)


def test_a_new_sender_at_no_customer_domain_gets_a_contact_without_organisation(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any) -> None:
    make_organisation(database, "Acme", ["acme.example"])
    first = _in(database, email_settings, mailbox, make_mail(sender="Anna <anna@acme.example>",
                                                             message_id="<a-1@acme.example>"))
    reply = _in(database, email_settings, mailbox, make_mail(
        sender="Carl <carl@elsewhere.example>", subject="Re: Help", in_reply_to="<a-1@acme.example>"))
    assert (reply.status, reply.ticket_id) == ("joined", first.ticket_id)
    carl = _contact_of(database, "carl@elsewhere.example")
    assert (carl.name, carl.organisation_id) == ("Carl", None)

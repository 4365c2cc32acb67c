"""Threading: our Message-IDs, then [FL-N] in the subject, then a signed reply token; who may join; closed tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from frontline.accounts.principal import Principal
from frontline.channels.email.compose_reply import queue_replies
from frontline.channels.email.intake import IntakeResult, ingest
from frontline.channels.email.models import EmailOutbound, Mailbox
from frontline.channels.email.thread_match import reply_address, reply_token, verify_token
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.messages import add_agent_message
from frontline.tickets.models import Message, Ticket, TicketEvent
from frontline.tickets.schemas import MessageCreate
from frontline.tickets.service import merge_tickets, set_status
from tests.channels.email.conftest import make_mail


def _in(database: Database, settings: Settings, mailbox: Mailbox, raw: bytes) -> IntakeResult:
    return ingest(database, settings, mailbox.id, raw, source="test")


def _agent(desk: Any) -> Principal:
    return Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset({desk.l1.id}))


def _events(database: Database, ticket_id: int, kind: str) -> list[TicketEvent]:
    with database.session(write=False) as db:
        return list(db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                         TicketEvent.kind == kind)))


def _meta(database: Database, message_id: int | None) -> dict[str, Any]:
    with database.session(write=False) as db:
        message = db.get(Message, message_id)
        assert message is not None and message.meta is not None
        return dict(message.meta["email"])


def test_reply_to_our_message_id_joins_even_with_other_subject(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any) -> None:
    first = _in(database, email_settings, mailbox, make_mail(subject="Login broken"))
    with database.session() as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None
        add_agent_message(db, ticket, MessageCreate(body_text="Try again please."), _agent(desk))
    with database.session() as db:
        assert queue_replies(db, email_settings) == 1
        ours = db.scalar(select(EmailOutbound.header_message_id).where(EmailOutbound.kind == "reply"))
    assert ours is not None and ours.startswith("<fl.")
    other = _in(database, email_settings, mailbox, make_mail(subject="[FL-99999] unrelated", in_reply_to=ours))
    assert (other.status, other.ticket_id) == ("joined", first.ticket_id)
    assert _meta(database, other.message_id)["threaded_by"] == "message_id"


def test_cc_reply_to_the_customers_mail_joins_as_known(database: Database, email_settings: Settings,
                                                       mailbox: Mailbox) -> None:
    first = _in(database, email_settings, mailbox,
                make_mail(message_id="<orig@client.example>", cc="boss@client.example"))
    reply = _in(database, email_settings, mailbox, make_mail(sender="boss@client.example", subject="Re: Help",
                                                             references="<orig@client.example>"))
    assert reply.ticket_id == first.ticket_id and "unknown_sender" not in _meta(database, reply.message_id)
    assert _events(database, first.ticket_id or 0, "unknown_sender") == []


def test_ticket_number_in_subject_joins_and_strangers_are_flagged(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    first = _in(database, email_settings, mailbox, make_mail())
    number = f"[FL-{first.ticket_id}]"
    own = _in(database, email_settings, mailbox, make_mail(subject=f"Re: Help {number}"))
    assert own.ticket_id == first.ticket_id and "unknown_sender" not in _meta(database, own.message_id)
    stranger = _in(database, email_settings, mailbox,
                   make_mail(sender="mallory@elsewhere.example", subject=f"Re: {number}"))
    assert stranger.status == "joined" and stranger.ticket_id == first.ticket_id
    assert _meta(database, stranger.message_id)["unknown_sender"] is True
    events = _events(database, first.ticket_id or 0, "unknown_sender")
    assert len(events) == 1 and events[0].data == {"from": "mallory@elsewhere.example",
                                                   "message_id": stranger.message_id}


def test_signed_reply_token_joins_and_a_forged_one_does_not(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    first = _in(database, email_settings, mailbox, make_mail(subject="Token test"))
    ticket_id = first.ticket_id or 0
    address = reply_address(email_settings, mailbox.address, ticket_id)
    assert address.startswith("support+t.") and verify_token(email_settings, reply_token(email_settings, ticket_id))
    joined = _in(database, email_settings, mailbox, make_mail(to=address, subject="no number here"))
    assert (joined.ticket_id, _meta(database, joined.message_id)["threaded_by"]) == (ticket_id, "token")
    forged = f"support+t.{ticket_id}-0000000000@desk.example"
    assert _in(database, email_settings, mailbox, make_mail(to=forged, subject="x")).status == "new_ticket"


def test_reply_to_closed_ticket_opens_linked_follow_up(database: Database, email_settings: Settings,
                                                       mailbox: Mailbox) -> None:
    first = _in(database, email_settings, mailbox, make_mail(message_id="<c1@client.example>"))
    with database.session() as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None
        set_status(db, ticket, "closed", None)
    follow = _in(database, email_settings, mailbox, make_mail(in_reply_to="<c1@client.example>"))
    assert follow.status == "follow_up" and follow.ticket_id != first.ticket_id
    assert _events(database, follow.ticket_id or 0, "follow_up")[0].data == {"follow_up_of": first.ticket_id}
    assert _events(database, first.ticket_id or 0, "follow_up")[0].data == {"follow_up": follow.ticket_id}


def test_reply_to_closed_ticket_reopens_when_the_mailbox_says_so(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    with database.session() as db:
        box = db.get(Mailbox, mailbox.id)
        assert box is not None
        box.closed_reply = "reopen"
    first = _in(database, email_settings, mailbox, make_mail(message_id="<r1@client.example>"))
    with database.session() as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None
        set_status(db, ticket, "closed", None)
    again = _in(database, email_settings, mailbox, make_mail(in_reply_to="<r1@client.example>"))
    assert (again.status, again.ticket_id) == ("joined", first.ticket_id)
    with database.session(write=False) as db:
        ticket = db.get(Ticket, first.ticket_id)
        assert ticket is not None and (ticket.status, ticket.reopen_count, ticket.closed_at) == ("open", 1, None)


def test_reply_to_a_merged_ticket_lands_on_the_survivor(database: Database, email_settings: Settings,
                                                        mailbox: Mailbox) -> None:
    source = _in(database, email_settings, mailbox, make_mail(message_id="<m1@client.example>"))
    target = _in(database, email_settings, mailbox, make_mail(subject="Other"))
    with database.session() as db:
        merge_tickets(db, db.get(Ticket, source.ticket_id), db.get(Ticket, target.ticket_id), None)  # type: ignore[arg-type]
    reply = _in(database, email_settings, mailbox, make_mail(in_reply_to="<m1@client.example>"))
    assert (reply.status, reply.ticket_id) == ("joined", target.ticket_id)


def test_unrelated_mail_from_a_known_customer_opens_a_new_ticket(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    first = _in(database, email_settings, mailbox, make_mail(subject="Question one"))
    second = _in(database, email_settings, mailbox, make_mail(subject="Question two"))
    assert second.status == "new_ticket" and second.ticket_id != first.ticket_id

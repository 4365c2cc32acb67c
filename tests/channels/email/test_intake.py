"""Intake: raw mail is stored before parsing, dedup holds (also under concurrent delivery), nothing is dropped."""

from __future__ import annotations

import threading
import zlib
from typing import Any

import pytest
from sqlalchemy import func, select

from frontline.channels.email import conversation
from frontline.channels.email.intake import dedup_key, ingest, process_pending, store_raw
from frontline.channels.email.models import Mailbox, RawEmail, TicketCc
from frontline.contacts.models import ContactIdentity
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Attachment, Message, Ticket
from frontline.tickets.storage import blob_path
from tests.channels.email.conftest import make_mail


def _count(database: Database, model: Any) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_new_mail_opens_ticket_with_raw_kept_and_linked(database: Database, email_settings: Settings,
                                                        mailbox: Mailbox) -> None:
    raw = make_mail(subject="Printer on fire", cc="Boss <boss@client.example>, support@desk.example")
    result = ingest(database, email_settings, mailbox.id, raw, source="test")
    assert result.status == "new_ticket" and not result.duplicate
    with database.session(write=False) as db:
        ticket = db.get(Ticket, result.ticket_id)
        assert ticket is not None
        assert (ticket.subject, ticket.channel, ticket.team_id) == ("Printer on fire", "email", mailbox.team_id)
        identity = db.scalar(select(ContactIdentity).where(ContactIdentity.contact_id == ticket.contact_id))
        assert identity is not None and identity.value == "ivan@client.example"
        message = db.get(Message, result.message_id)
        assert message is not None and message.body_text == "Hello, the printer is broken again."
        assert message.meta is not None and message.meta["email"]["raw_id"] == result.raw_id
        stored = db.get(RawEmail, result.raw_id)
        assert stored is not None and zlib.decompress(stored.content) == raw
        assert (stored.status, stored.ticket_id, stored.message_id) == ("new_ticket", ticket.id, message.id)
        ccs = db.scalars(select(TicketCc.address).where(TicketCc.ticket_id == ticket.id)).all()
    assert list(ccs) == ["boss@client.example"]  # our own mailbox is never a CC


def test_same_message_id_twice_makes_one_ticket(database: Database, email_settings: Settings,
                                                mailbox: Mailbox) -> None:
    raw = make_mail(message_id="<same-1@client.example>")
    first = ingest(database, email_settings, mailbox.id, raw, source="test")
    relayed = b"Received: from relay.example by mx.desk.example; Mon, 1 Jan 2024 10:00:00 +0000\r\n" + raw
    second = ingest(database, email_settings, mailbox.id, relayed, source="test")
    assert second.duplicate and (second.raw_id, second.ticket_id) == (first.raw_id, first.ticket_id)
    assert _count(database, Ticket) == 1 and _count(database, Message) == 1 and _count(database, RawEmail) == 1


def test_without_message_id_the_content_decides(database: Database, email_settings: Settings,
                                                mailbox: Mailbox) -> None:
    raw = make_mail(message_id=None, subject="No id")
    assert dedup_key(raw)[1] is None
    ingest(database, email_settings, mailbox.id, raw, source="test")
    assert ingest(database, email_settings, mailbox.id, raw, source="test").duplicate
    other = make_mail(message_id=None, subject="No id", body="A different text.")
    assert not ingest(database, email_settings, mailbox.id, other, source="test").duplicate
    assert _count(database, Ticket) == 2


def test_concurrent_delivery_of_one_message_makes_one_ticket(database: Database, email_settings: Settings,
                                                             mailbox: Mailbox) -> None:
    raw = make_mail(message_id="<race@client.example>")
    results: list[Any] = []
    barrier = threading.Barrier(6)

    def deliver() -> None:
        barrier.wait()
        results.append(ingest(database, email_settings, mailbox.id, raw, source="test"))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 and len({r.ticket_id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    assert _count(database, Ticket) == 1 and _count(database, Message) == 1


def test_stored_but_unprocessed_mail_is_finished_once(database: Database, email_settings: Settings,
                                                      mailbox: Mailbox) -> None:
    """A crash between the two steps: the raw row waits as 'received'; a redelivery or process_pending ends it."""
    raw_a, raw_b = make_mail(subject="A"), make_mail(subject="B")
    stored_a = store_raw(database, mailbox.id, raw_a, source="test")
    store_raw(database, mailbox.id, raw_b, source="test")
    again = ingest(database, email_settings, mailbox.id, raw_a, source="test")
    assert again.duplicate and again.raw_id == stored_a.raw_id and again.status == "new_ticket"
    finished = process_pending(database, email_settings)
    assert [r.status for r in finished] == ["new_ticket"]
    assert process_pending(database, email_settings) == []
    assert _count(database, Ticket) == 2


def _nested(depth: int) -> bytes:
    head = "From: deep@client.example\r\nTo: support@desk.example\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n"
    parts = [f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)]
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + "".join(parts) + "Content-Type: text/plain\r\n\r\nDeep text\r\n" + tail).encode()


def test_unparsable_mail_becomes_ticket_with_original_and_visible_note(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    raw = _nested(1200)
    result = ingest(database, email_settings, mailbox.id, raw, source="test")
    assert result.status == "new_ticket" and result.warnings
    with database.session(write=False) as db:
        attachments = db.scalars(select(Attachment).where(Attachment.ticket_id == result.ticket_id)).all()
        notes = db.scalars(select(Message).where(Message.ticket_id == result.ticket_id, Message.kind == "note")).all()
    original = [a for a in attachments if a.filename == "original.eml"]
    assert len(original) == 1 and blob_path(email_settings.data_dir, original[0].sha256).read_bytes() == raw
    assert len(notes) == 1 and "could not be read" in notes[0].body_text


def test_failure_while_delivering_still_keeps_the_mail(database: Database, email_settings: Settings,
                                                       mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug in delivery")

    monkeypatch.setattr(conversation, "deliver", broken)
    raw = make_mail(subject="Will break")
    result = ingest(database, email_settings, mailbox.id, raw, source="test")
    assert result.status == "new_ticket" and result.ticket_id is not None
    with database.session(write=False) as db:
        ticket = db.get(Ticket, result.ticket_id)
        message = db.get(Message, result.message_id)
        names = db.scalars(select(Attachment.filename).where(Attachment.ticket_id == result.ticket_id)).all()
    assert ticket is not None and ticket.subject == "Will break"
    assert message is not None and message.meta == {"email": {"raw_id": result.raw_id, "unreadable": True,
                                                              "error": "RuntimeError"}}
    assert list(names) == ["original.eml"]


def test_attachments_are_stored_and_oversize_ones_noted(database: Database, email_settings: Settings,
                                                        mailbox: Mailbox) -> None:
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "ivan@client.example", "support@desk.example", "Files"
    mail["Message-ID"] = "<files@client.example>"
    mail.set_content("See attached.")
    mail.add_attachment(b"small file", maintype="application", subtype="pdf", filename="отчёт.pdf")
    mail.add_attachment(b"x" * (email_settings.max_attachment_bytes + 10), maintype="application",
                        subtype="zip", filename="huge.zip")
    result = ingest(database, email_settings, mailbox.id, bytes(mail), source="test")
    with database.session(write=False) as db:
        stored = db.scalars(select(Attachment).where(Attachment.message_id == result.message_id)).all()
        notes = db.scalars(select(Message.body_text).where(Message.kind == "note")).all()
    assert [(a.filename, a.size) for a in stored] == [("отчёт.pdf", 10)]
    assert len(notes) == 1 and "huge.zip" in notes[0] and "size limit" in notes[0]

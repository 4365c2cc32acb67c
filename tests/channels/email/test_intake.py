"""Intake: raw mail is stored before parsing, dedup holds (also under concurrent delivery), nothing is dropped."""

from __future__ import annotations

import threading
import zlib
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from frontline.channels.email import conversation, intake
from frontline.channels.email.intake import ingest, process_pending, store_raw
from frontline.channels.email.models import Mailbox, RawEmail, TicketCc
from frontline.channels.email.rawstore import dedup_key
from frontline.contacts.models import ContactIdentity
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets import hooks
from frontline.tickets.models import Attachment, Message, Ticket, TicketEvent
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


def test_batches_are_cut_by_count_and_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "BATCH_SIZE", 3)
    monkeypatch.setattr(intake, "BATCH_BYTES", 100)
    assert list(intake.batches([1] * 7)) == [(0, 3), (3, 6), (6, 7)]
    assert list(intake.batches([60, 60, 30, 10, 500, 1])) == [(0, 1), (1, 4), (4, 5), (5, 6)]
    assert list(intake.batches([])) == []


def test_batch_stores_dedups_threads_and_keeps_order(database: Database, email_settings: Settings,
                                                     mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one batch: a reply to a message of the same batch joins its ticket, a message twice is one."""
    monkeypatch.setattr(intake, "BATCH_SIZE", 4)
    first = make_mail(subject="Broken printer", message_id="<b-1@client.example>")
    reply = make_mail(subject="Re: Broken printer", in_reply_to="<b-1@client.example>", body="Still broken.")
    other = make_mail(sender="olga@client.example", subject="Invoice")
    raws = [first, reply, first, other, make_mail(subject="Sixth"), reply]
    results = intake.ingest_batch(database, email_settings, mailbox.id, raws, source="test")
    assert [(r.status, r.duplicate) for r in results] == [
        ("new_ticket", False), ("joined", False), ("new_ticket", True), ("new_ticket", False),
        ("new_ticket", False), ("joined", True)]
    assert results[1].ticket_id == results[0].ticket_id == results[2].ticket_id == results[5].ticket_id
    assert results[2].raw_id == results[0].raw_id and results[5].message_id == results[1].message_id
    assert _count(database, RawEmail) == 4 and _count(database, Ticket) == 3 and _count(database, Message) == 4
    with database.session(write=False) as db:
        statuses = db.scalars(select(RawEmail.status).order_by(RawEmail.id)).all()
    assert list(statuses) == ["new_ticket", "joined", "new_ticket", "new_ticket"]


def test_a_message_that_breaks_delivery_does_not_disturb_its_batch(
        database: Database, email_settings: Settings, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    real = conversation.deliver

    def breaks_on_bad(db: Any, settings: Any, mailbox_id: int, raw_id: int, raw: bytes, parsed: Any,
                      **kwargs: Any) -> Any:
        outcome = real(db, settings, mailbox_id, raw_id, raw, parsed, **kwargs)  # written, then rolled back
        if parsed.subject == "Bad":
            raise RuntimeError("bug in delivery")
        return outcome

    monkeypatch.setattr(conversation, "deliver", breaks_on_bad)
    raws = [make_mail(subject="Good 1"), make_mail(subject="Bad"), make_mail(subject="Good 2")]
    results = intake.ingest_batch(database, email_settings, mailbox.id, raws, source="test")
    assert [r.status for r in results] == ["new_ticket"] * 3
    with database.session(write=False) as db:
        subjects = db.scalars(select(Ticket.subject).order_by(Ticket.id)).all()
        bad = db.get(Message, results[1].message_id)
        assert bad is not None and bad.meta == {"email": {"raw_id": results[1].raw_id, "unreadable": True,
                                                          "error": "RuntimeError"}}
    assert list(subjects) == ["Good 1", "Bad", "Good 2"]  # the rolled-back first attempt left nothing
    assert _count(database, Message) == 4  # three first messages and the note on the unreadable one


def test_database_error_in_a_batch_falls_back_to_one_by_one(
        database: Database, email_settings: Settings, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    real = conversation.deliver
    calls = {"n": 0}

    def fails_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(conversation, "deliver", fails_once)
    raws = [make_mail(subject=f"Mail {i}") for i in range(3)]
    results = intake.ingest_batch(database, email_settings, mailbox.id, raws, source="test")
    assert [r.status for r in results] == ["new_ticket"] * 3 and calls["n"] == 5  # 2 in the batch, then 3 alone
    with database.session(write=False) as db:
        assert list(db.scalars(select(Ticket.subject).order_by(Ticket.id))) == ["Mail 0", "Mail 1", "Mail 2"]
    assert _count(database, Message) == 3


def test_listeners_run_for_every_message_of_a_batch_and_see_fresh_rows(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    """The plain-SQL join path emits `customer_message` like the ticket service; between messages of a batch
    the session is emptied, so a listener reading the ticket through the ORM sees the latest state."""
    seen: list[tuple[str, int, int | None, int]] = []

    def listener(db: Any, event: hooks.TicketEvent) -> None:
        ticket = db.get(Ticket, event.ticket_id)
        count = db.scalar(select(func.count()).select_from(Message).where(Message.ticket_id == event.ticket_id))
        seen.append((event.kind, ticket.id, event.message_id, int(count or 0)))

    hooks.listen("created", "test", listener)
    hooks.listen("customer_message", "test", listener)
    first = make_mail(subject="Hello", message_id="<l-1@client.example>")
    replies = [make_mail(subject="Re: Hello", in_reply_to="<l-1@client.example>", body=f"Reply {i}")
               for i in range(2)]
    results = intake.ingest_batch(database, email_settings, mailbox.id, [first, *replies], source="test")
    ticket_id = results[0].ticket_id
    assert ticket_id is not None
    assert seen == [("created", ticket_id, results[0].message_id, 1),
                    ("customer_message", ticket_id, results[1].message_id, 2),
                    ("customer_message", ticket_id, results[2].message_id, 3)]
    with database.session(write=False) as db:
        events = db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket_id)).all()
    assert events.count("message") == 2

"""No poison message: mail the database refuses, or that keeps failing, becomes an unreadable ticket with the
original attached, and the rest of its batch goes on; through `ingest`, the HTTP endpoint, mail-gate and IMAP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from frontline.channels.email import intake
from frontline.channels.email.imap import poll_all, poll_mailbox
from frontline.channels.email.intake import ingest, process_pending
from frontline.channels.email.models import Mailbox, RawEmail
from frontline.cli.main import app as cli
from frontline.jobs import run_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets import hooks
from frontline.tickets.models import Attachment, Message, Ticket
from frontline.tickets.storage import blob_path
from tests.channels.email.conftest import Dovecot, make_mail
from tests.channels.email.test_api import intake_headers
from tests.channels.email.test_imap import use_imap
from tests.channels.email.test_mailgate import gate_env  # noqa: F401  (fixture)


def _poison_on(marker: str, database: Database) -> None:
    """A listener that writes what the database refuses when a new ticket's text has `marker`: on PostgreSQL a
    NUL character in text (the issue's case), on SQLite a NOT NULL column set to NULL (it stores NUL happily)."""
    def listener(db: Any, event: hooks.TicketEvent) -> None:
        if marker in event.text:
            if database.is_sqlite:
                db.execute(text("UPDATE ticket SET subject = NULL WHERE id = :id"), {"id": event.ticket_id})
            else:
                db.execute(text("UPDATE ticket SET subject = :s WHERE id = :id"),
                           {"s": "a\x00b", "id": event.ticket_id})

    hooks.listen("created", "poison", listener)


def _locked_on_stuck() -> None:
    """A listener that fails with a transient error ("database is locked") when a new ticket's text has STUCK."""
    def stuck(db: Any, event: hooks.TicketEvent) -> None:
        if "STUCK" in event.text:
            raise OperationalError("UPDATE ticket ...", {}, Exception("database is locked"))

    hooks.listen("created", "stuck", stuck)


def _kept_unreadable(database: Database, settings: Settings, raw_id: int, raw: bytes) -> Ticket:
    """The raw row is finished and its ticket holds the original, byte for byte, and a note that says why."""
    with database.session(write=False) as db:
        row = db.get(RawEmail, raw_id)
        assert row is not None and row.status == "new_ticket" and row.ticket_id is not None
        ticket = db.get(Ticket, row.ticket_id)
        assert ticket is not None
        original = db.scalar(select(Attachment).where(Attachment.ticket_id == ticket.id,
                                                      Attachment.filename == "original.eml"))
        notes = db.scalars(select(Message.body_text).where(Message.ticket_id == ticket.id,
                                                           Message.kind == "note")).all()
    assert original is not None and blob_path(settings.data_dir, original.sha256).read_bytes() == raw
    assert any("could not be processed" in n and "original message is attached" in n for n in notes), notes
    return ticket


def _count(database: Database, model: Any) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_data_the_database_refuses_becomes_unreadable_at_once(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    _poison_on("POISON", database)
    raw = make_mail(subject="Order 17", body="POISON in the body")
    result = ingest(database, email_settings, mailbox.id, raw, source="test")
    ticket = _kept_unreadable(database, email_settings, result.raw_id, raw)
    assert ticket.subject == "Order 17"  # the unreadable ticket still has what could be read
    with database.session(write=False) as db:
        row = db.get(RawEmail, result.raw_id)
        assert row is not None and row.attempts == 0  # permanent: not retried
    assert process_pending(database, email_settings) == []


def test_when_even_the_subject_is_refused_the_ticket_takes_nothing_from_the_mail(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    _poison_on("POISON", database)
    raw = make_mail(subject="POISON subject", body="Text")
    result = ingest(database, email_settings, mailbox.id, raw, source="test")
    assert _kept_unreadable(database, email_settings, result.raw_id, raw).subject == "(unreadable email)"


def test_a_poison_message_in_a_batch_leaves_the_others_delivered(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    _poison_on("POISON", database)
    raws = [make_mail(subject="Good 1"), make_mail(subject="Bad", body="POISON"), make_mail(subject="Good 2")]
    results = intake.ingest_batch(database, email_settings, mailbox.id, raws, source="test")
    assert [r.status for r in results] == ["new_ticket"] * 3
    _kept_unreadable(database, email_settings, results[1].raw_id, raws[1])
    with database.session(write=False) as db:
        assert list(db.scalars(select(Ticket.subject).order_by(Ticket.id))) == ["Good 1", "Bad", "Good 2"]


def test_a_message_that_keeps_failing_transiently_is_kept_after_max_attempts(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    _locked_on_stuck()
    raw = make_mail(subject="Locked", body="STUCK")
    with pytest.raises(OperationalError):
        ingest(database, email_settings, mailbox.id, raw, source="test")  # 3 tries, each one counted
    with database.session(write=False) as db:
        raw_id = int(db.scalar(select(RawEmail.id)) or 0)
    polls = 0
    while polls < 5 and _status(database, raw_id) == "received":
        process_pending(database, email_settings)
        polls += 1
    assert polls == 2  # 3 tries on delivery, 3 on the first poll, and on the second the attempts run out
    with database.session(write=False) as db:
        row = db.get(RawEmail, raw_id)
        assert row is not None and row.attempts == email_settings.email_intake_max_attempts == 8
        assert row.last_error is not None and row.last_error.startswith("OperationalError: ")
        assert "database is locked" in row.last_error
    assert _kept_unreadable(database, email_settings, raw_id, raw).subject == "Locked"
    assert process_pending(database, email_settings) == []



def test_the_intake_attempt_limit_is_a_setting(database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    """FRONTLINE_EMAIL_INTAKE_MAX_ATTEMPTS=3: the three tries on delivery use them up; the first poll keeps it."""
    settings = email_settings.model_copy(update={"email_intake_max_attempts": 3})
    _locked_on_stuck()
    raw = make_mail(subject="Locked", body="STUCK")
    with pytest.raises(OperationalError):
        ingest(database, settings, mailbox.id, raw, source="test")
    with database.session(write=False) as db:
        raw_id = int(db.scalar(select(RawEmail.id)) or 0)
    process_pending(database, settings)
    with database.session(write=False) as db:
        row = db.get(RawEmail, raw_id)
        assert row is not None and row.attempts == 3
    assert _kept_unreadable(database, settings, raw_id, raw).subject == "Locked"

def _status(database: Database, raw_id: int) -> str:
    with database.session(write=False) as db:
        return str(db.scalar(select(RawEmail.status).where(RawEmail.id == raw_id)))


def test_http_raw_endpoint_accepts_a_poison_message_as_unreadable(
        client: TestClient, desk: Any, database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    headers = intake_headers(client, desk, "support")
    _poison_on("POISON", database)
    raw = make_mail(subject="Over HTTP", body="POISON")
    r = client.post("/api/v1/mailboxes/support/raw", headers=headers, content=raw)
    assert r.status_code == 201 and r.json()["status"] == "accepted", r.text
    _kept_unreadable(database, email_settings, r.json()["raw_id"], raw)

    _locked_on_stuck()
    busy = client.post("/api/v1/mailboxes/support/raw", headers=headers, content=make_mail(body="STUCK"))
    assert busy.status_code == 503 and busy.headers["retry-after"] == "2"  # stored; the relay may retry
    with database.session(write=False) as db:
        raw_id = int(db.scalar(select(func.max(RawEmail.id))) or 0)
    record = client.get(f"/api/v1/raw-emails/{raw_id}", headers=desk.admin.headers).json()
    assert (record["status"], record["attempts"]) == ("received", 3)
    assert record["last_error"] == "OperationalError: (builtins.Exception) database is locked"


def test_mail_gate_keeps_a_poison_message_and_exits_0(
        database: Database, email_settings: Settings, mailbox: Mailbox, gate_env: CliRunner) -> None:  # noqa: F811
    """The gate only stores and queues; the `email.intake` job meets the poison and keeps the message unreadable."""
    _poison_on("POISON", database)
    raw = make_mail(subject="Through the MTA", body="POISON")
    result = gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=raw)
    assert result.exit_code == 0 and result.output == "", result.output
    assert run_pending(database) >= 1
    with database.session(write=False) as db:
        raw_id = int(db.scalar(select(RawEmail.id)) or 0)
    _kept_unreadable(database, email_settings, raw_id, raw)


def test_imap_poison_in_the_middle_of_a_batch(database: Database, email_settings: Settings, mailbox: Mailbox,
                                              imap: Dovecot) -> None:
    """The issue's case: before, the batch rolled back on every poll and the poison message stayed unseen."""
    use_imap(database, mailbox, imap)
    _poison_on("POISON", database)
    raws = [make_mail(subject="Before"), make_mail(subject="Poisoned", body="POISON"), make_mail(subject="After")]
    imap.append(*raws)
    report = poll_mailbox(database, email_settings, "support")
    assert (report.stored, report.failed, report.errors) == (3, 0, [])
    assert all(seen for _, seen in imap.messages())
    with database.session(write=False) as db:
        rows = db.scalars(select(RawEmail).order_by(RawEmail.id)).all()
        subjects = list(db.scalars(select(Ticket.subject).order_by(Ticket.id)))
    assert [r.status for r in rows] == ["new_ticket"] * 3 and subjects == ["Before", "Poisoned", "After"]
    _kept_unreadable(database, email_settings, rows[1].id, raws[1].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert poll_all(database, email_settings)[0].fetched == 0

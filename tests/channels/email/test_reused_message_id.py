"""Duplicate means the same Message-ID and the same content: a redelivery (relay headers added, other line ends)
is recognised, a different message that reuses a Message-ID is kept with a note; through `ingest`, the HTTP
endpoint, mail-gate and IMAP, and for mail stored before (migration 0240 re-keys it)."""

from __future__ import annotations

import hashlib
from typing import Any

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontline.channels.email.imap import poll_mailbox
from frontline.channels.email.intake import ingest
from frontline.channels.email.models import Mailbox, RawEmail
from frontline.channels.email.rawstore import content_hash, dedup_key, header_message_id
from frontline.cli.main import app as cli
from frontline.jobs import run_pending
from frontline.kit.db import Database
from frontline.kit.migrate import alembic_config, upgrade
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, Ticket
from tests.channels.email.conftest import Dovecot, make_mail
from tests.channels.email.test_api import intake_headers
from tests.channels.email.test_imap import use_imap
from tests.channels.email.test_mailgate import gate_env  # noqa: F401  (fixture)

MID = "<reused-1@client.example>"


def _count(database: Database, model: Any) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _notes(database: Database, ticket_id: int | None) -> list[str]:
    with database.session(write=False) as db:
        return list(db.scalars(select(Message.body_text).where(Message.ticket_id == ticket_id,
                                                               Message.kind == "note")))


def _relayed(raw: bytes) -> bytes:
    """The same message as another path delivers it: trace headers on top, LF line ends, a trailing blank line."""
    head = (b"Return-Path: <ivan@client.example>\r\nDelivered-To: support@desk.example\r\n"
            b"Received: from mx2.client.example by mx.desk.example; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            b"X-Spam-Score: 0.1\r\n")
    return (head + raw + b"\r\n").replace(b"\r\n", b"\n")


def test_redelivery_by_another_path_is_a_duplicate() -> None:
    raw = make_mail(message_id=MID)
    assert content_hash(_relayed(raw)) == content_hash(raw) and dedup_key(_relayed(raw))[0] == dedup_key(raw)[0]
    for changed in (make_mail(message_id=MID, body="Another text."), raw.replace(b"Subject: Help", b"Subject: Hel")):
        assert dedup_key(changed)[1] == MID and dedup_key(changed)[0] != dedup_key(raw)[0]


def test_different_mail_with_a_reused_message_id_is_kept_with_a_note(
        database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    raw = make_mail(message_id=MID, subject="Printer")
    first = ingest(database, email_settings, mailbox.id, raw, source="test")
    again = ingest(database, email_settings, mailbox.id, _relayed(raw), source="test")
    other = ingest(database, email_settings, mailbox.id,
                   make_mail(message_id=MID, subject="Invoice", sender="olga@client.example", body="Pay me."),
                   source="test")
    assert again.duplicate and again.raw_id == first.raw_id
    assert not other.duplicate and other.raw_id != first.raw_id and other.status == "new_ticket"
    assert other.ticket_id not in (None, first.ticket_id)
    note = (f"Another email with the same Message-ID {MID} but different content was received before (received"
            f" message {first.raw_id}); this one is kept as a message of its own.")
    assert _notes(database, other.ticket_id) == [note] and _notes(database, first.ticket_id) == []
    with database.session(write=False) as db:
        kept = db.get(RawEmail, other.raw_id)
        assert kept is not None and kept.header_message_id == MID and note in (kept.warnings or [])
        message = db.get(Message, other.message_id)
        assert message is not None and message.body_text == "Pay me."
    assert _count(database, RawEmail) == 2 and _count(database, Ticket) == 2


def test_http_endpoint_answers_200_for_a_redelivery_and_201_for_a_reused_id(
        client: TestClient, desk: Any, database: Database, mailbox: Mailbox) -> None:
    headers = intake_headers(client, desk, "support")
    raw = make_mail(message_id=MID)
    first = client.post("/api/v1/mailboxes/support/raw", headers=headers, content=raw)
    again = client.post("/api/v1/mailboxes/support/raw", headers=headers, content=_relayed(raw))
    other = client.post("/api/v1/mailboxes/support/raw", headers=headers,
                        content=make_mail(message_id=MID, body="A different question."))
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201), other.text
    assert again.json()["raw_id"] == first.json()["raw_id"] != other.json()["raw_id"]
    assert (again.json()["duplicate"], other.json()["duplicate"]) == (True, False)
    assert _count(database, Ticket) == 2


def test_mail_gate_stores_a_reused_id_and_ignores_a_redelivery(
        database: Database, mailbox: Mailbox, gate_env: CliRunner) -> None:  # noqa: F811
    raw = make_mail(message_id=MID)
    for mail in (raw, _relayed(raw), make_mail(message_id=MID, body="Second question.")):
        assert gate_env.invoke(cli, ["mail-gate", "--mailbox", "support"], input=mail).exit_code == 0
    run_pending(database)
    with database.session(write=False) as db:
        rows = db.scalars(select(RawEmail).order_by(RawEmail.id)).all()
    assert [r.status for r in rows] == ["new_ticket", "new_ticket"] and _count(database, Ticket) == 2
    assert any("same Message-ID" in w for w in rows[1].warnings or [])


def test_imap_batch_keeps_a_reused_id_and_one_copy_of_a_repeat(
        database: Database, email_settings: Settings, mailbox: Mailbox, imap: Dovecot) -> None:
    use_imap(database, mailbox, imap)
    raw = make_mail(message_id=MID, subject="First")
    imap.append(raw, make_mail(message_id=MID, subject="Second", body="Other text."), raw)
    report = poll_mailbox(database, email_settings, "support")
    assert (report.fetched, report.stored, report.duplicates) == (3, 2, 1)
    with database.session(write=False) as db:
        assert list(db.scalars(select(Ticket.subject).order_by(Ticket.id))) == ["First", "Second"]


def _old_key(raw: bytes) -> str:
    message_id = header_message_id(raw)
    basis = f"mid:{message_id}" if message_id else f"sha:{hashlib.sha256(raw).hexdigest()}"
    return hashlib.sha256(basis.encode()).hexdigest()


def test_migration_rekeys_mail_stored_before(database: Database, email_settings: Settings,
                                             mailbox: Mailbox) -> None:
    raws = [make_mail(message_id=MID), make_mail(message_id=None, subject="No id")]
    for raw in raws:
        ingest(database, email_settings, mailbox.id, raw, source="test")
    database.dispose()
    command.downgrade(alembic_config(database.url), "0230")
    try:
        with database.session(write=False) as db:
            keys = list(db.scalars(select(RawEmail.dedup_key).order_by(RawEmail.id)))
        assert keys == [_old_key(raw) for raw in raws]
    finally:
        database.dispose()
        upgrade(database.url)
    with database.session(write=False) as db:
        keys = list(db.scalars(select(RawEmail.dedup_key).order_by(RawEmail.id)))
    assert keys == [dedup_key(raw)[0] for raw in raws]
    assert ingest(database, email_settings, mailbox.id, _relayed(raws[0]), source="test").duplicate

"""Issue 12, class 5: headers survive junk before them (an export banner, a quoted mbox line, a blank line, the
MTA's "From " line) and headers folded badly or run together; through the batched intake, IMAP from dovecot and
the mail-gate, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontline.channels.email.header_repair import repair_headers
from frontline.channels.email.imap import poll_mailbox
from frontline.channels.email.models import Mailbox, RawEmail, TicketCc
from frontline.jobs import run_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from tests.channels.email.conftest import Dovecot, make_mail
from tests.channels.email.fidelity import deliver, fixture, stored
from tests.channels.email.test_imap import use_imap
from tests.channels.email.test_mailgate import _gate

JUNK = {
    "junk_export_banner.eml": ("Export from the old helpdesk", "The VPN drops every ten minutes since the update."),
    "junk_quoted_mbox_from.eml": ("Forwarded from an mbox archive", "Please restore my mailbox from yesterday."),
    "junk_blank_first_line.eml": ("Saved by a script with a blank first line", "The printer on floor 3 is offline."),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_leading_junk_keeps_every_header(name: str, database: Database, email_settings: Settings,
                                         mailbox: Mailbox) -> None:
    subject, text = JUNK[name]
    [result] = deliver(database, email_settings, mailbox, fixture(name))
    mail = stored(database, result)
    assert result.status == "new_ticket"
    assert mail.raw.from_address == "olga@client.example"  # somebody to answer
    assert mail.ticket is not None and mail.ticket.subject == subject and mail.ticket.contact_id is not None
    assert mail.message is not None and mail.message.body_text == text
    assert mail.acks == 1  # the customer is acknowledged like anyone else
    assert mail.meta["message_id"] is not None and mail.meta["message_id"].endswith("@client.example>")


def test_headers_folded_badly_are_recovered(database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    [result] = deliver(database, email_settings, mailbox, fixture("headers_folded_badly.eml"))
    mail = stored(database, result)
    assert mail.ticket is not None and mail.ticket.subject == "Address list continued without indentation"
    assert mail.message is not None and mail.message.body_text == "Both of us need access to the shared folder."
    assert "header lines continued without leading whitespace were joined" in mail.meta["warnings"]
    with database.session(write=False) as db:
        ccs = db.scalars(select(TicketCc.address).where(TicketCc.ticket_id == result.ticket_id)
                         .order_by(TicketCc.address)).all()
    assert list(ccs) == ["boss@client.example", "colleague@client.example"]  # the Cc after the broken fold too


def test_headers_run_together_are_separated(database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    [result] = deliver(database, email_settings, mailbox, fixture("headers_run_together.eml"))
    mail = stored(database, result)
    assert mail.raw.from_address == "olga@client.example"
    assert mail.ticket is not None and mail.ticket.subject == "Headers on one line"
    assert mail.message is not None and mail.message.body_text == "My export tool writes every header on one line."


def test_sound_mail_is_left_alone() -> None:
    raw = make_mail(subject="Subject: with a colon To: nobody", body="Hello")
    assert repair_headers(raw) == (raw, [])
    no_headers = b"Just some text\r\nwithout any headers\r\n"
    assert repair_headers(no_headers) == (no_headers, [])


def test_junk_before_the_headers_over_imap(database: Database, email_settings: Settings, mailbox: Mailbox,
                                           imap: Dovecot) -> None:
    use_imap(database, mailbox, imap)
    imap.append(fixture("junk_export_banner.eml"))
    report = poll_mailbox(database, email_settings, "support")
    assert (report.fetched, report.stored, report.failed) == (1, 1, 0)
    with database.session(write=False) as db:
        raw = db.scalar(select(RawEmail))
        assert raw is not None and raw.status == "new_ticket" and raw.from_address == "olga@client.example"


def test_the_mtas_from_line_through_the_mail_gate(database: Database, settings: Settings, mailbox: Mailbox) -> None:
    """Postfix's pipe(8) with the F flag prepends an mbox "From " line; an export banner may follow it."""
    raw = b"From olga@client.example  Tue Mar  3 09:15:00 2026\r\n" + fixture("junk_export_banner.eml")
    process = _gate(database.url, settings.data_dir, raw)
    assert process.wait(60) == 0, process.stderr.read() if process.stderr else ""
    run_pending(database)  # the `email.intake` job the gate queued
    with database.session(write=False) as db:
        row = db.scalar(select(RawEmail))
        assert row is not None and (row.status, row.from_address) == ("new_ticket", "olga@client.example")

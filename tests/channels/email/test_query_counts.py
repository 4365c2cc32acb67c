"""Statement count of e-mail intake of one message (tests/support/queries.py)."""

from __future__ import annotations

from frontline.channels.email.intake import ingest
from frontline.channels.email.models import Mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from tests.channels.email.conftest import make_mail
from tests.support.queries import counted


def test_intake_of_one_new_message(database: Database, email_settings: Settings, mailbox: Mailbox) -> None:
    ingest(database, email_settings, mailbox.id, make_mail(subject="Warm-up"), source="test")
    with counted(database) as statements:
        result = ingest(database, email_settings, mailbox.id, make_mail(subject="Printer on fire"), source="test")
    assert result.status == "new_ticket"
    # stored raw mail, claimed; mailbox charsets and settings, the sender's rate; (PostgreSQL: a savepoint
    # around the ticket); team line, contact; ticket, first message, history, sentiment; routing, SLA
    # policies, rules/webhooks fingerprint; search (ticket, contact check, message; FTS5 rows on SQLite);
    # listeners' state; first message re-read and its e-mail meta, e-mail thread row; our own addresses,
    # auto-acknowledgement (rate, contact, outbound row, history); raw mail marked processed. An upper
    # bound: branches that remove statements from this path are under way.
    assert len(statements) <= 33, statements.listing()
    assert statements.matching("INSERT INTO ticket ") and statements.matching("UPDATE raw_email"), statements.listing()

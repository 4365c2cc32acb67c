"""IMAP against a real dovecot: end to end with SMTP replies, TLS modes, folders, broken mail, crashes mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontline.channels.email import conversation
from frontline.channels.email import imap as imap_module
from frontline.channels.email.imap import poll_all, poll_mailbox
from frontline.channels.email.models import Mailbox, RawEmail
from frontline.channels.email.outbound import send_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Message, Ticket
from tests.channels.email.conftest import MAIL_PASSWORD, MAIL_USER, Dovecot, SmtpCapture, make_mail
from tests.channels.email.test_outbound import use_smtp


def use_imap(database: Database, mailbox: Mailbox, server: Dovecot, *, security: str = "starttls",
             move_to: str | None = None) -> None:
    with database.session() as db:
        box = db.get(Mailbox, mailbox.id)
        assert box is not None
        box.imap_host, box.imap_security = "127.0.0.1", security
        box.imap_port = server.ssl_port if security == "ssl" else server.port
        box.imap_user, box.imap_password, box.imap_move_to = MAIL_USER, MAIL_PASSWORD, move_to


def _count(database: Database, model: Any) -> int:
    with database.session(write=False) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_customer_mail_reply_and_answer_end_to_end(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, imap: Dovecot,
        smtp: tuple[SmtpCapture, int], client: TestClient) -> None:
    capture, port = smtp
    use_imap(database, mailbox, imap)
    use_smtp(database, mailbox, port)
    imap.append(make_mail(subject="Invoice is wrong", message_id="<inv-1@client.example>"))
    report = poll_mailbox(database, email_settings, "support")
    assert (report.fetched, report.stored, report.failed) == (1, 1, 0)
    assert [seen for _, seen in imap.messages()] == [True]
    with database.session(write=False) as db:
        ticket = db.scalar(select(Ticket))
    assert ticket is not None and ticket.subject == "Invoice is wrong"
    response = client.post(f"/api/v1/tickets/{ticket.id}/messages", headers=desk.agent1.headers,
                           json={"kind": "reply", "body_text": "We corrected the invoice."})
    assert response.status_code == 201, response.text
    assert send_pending(database, email_settings).sent == 2  # the acknowledgement and the reply
    [reply] = [c.message for c in capture.messages if str(c.message["Subject"]).startswith("Re:")]
    assert reply["Subject"] == f"Re: Invoice is wrong [FL-{ticket.id}]"
    assert reply["In-Reply-To"] == "<inv-1@client.example>"
    assert reply["References"].split()[0] == "<inv-1@client.example>"
    assert reply["To"] == "ivan@client.example" and reply["From"] == "Desk Support <support@desk.example>"
    imap.append(make_mail(subject="Re: Invoice is wrong", in_reply_to=reply["Message-ID"],
                          references=f"<inv-1@client.example> {reply['Message-ID']}", body="Thanks, it is fine now."))
    poll_mailbox(database, email_settings, "support")
    with database.session(write=False) as db:
        texts = db.scalars(select(Message.body_text).where(Message.ticket_id == ticket.id, Message.kind == "inbound")
                           .order_by(Message.id)).all()
    assert list(texts) == ["Hello, the printer is broken again.", "Thanks, it is fine now."]
    assert _count(database, Ticket) == 1


def test_ssl_and_move_to_folder(database: Database, email_settings: Settings, mailbox: Mailbox,
                                imap: Dovecot) -> None:
    use_imap(database, mailbox, imap, security="ssl", move_to="Processed")
    imap.append(*[make_mail(subject=f"Moved {i}") for i in range(3)])
    report = poll_all(database, email_settings)
    assert [(r.mailbox, r.stored, r.errors) for r in report] == [("support", 3, [])]
    assert imap.messages("INBOX") == [] and len(imap.messages("Processed")) == 3
    assert _count(database, Ticket) == 3


def test_broken_message_never_stops_the_batch(database: Database, email_settings: Settings, mailbox: Mailbox,
                                              imap: Dovecot) -> None:
    use_imap(database, mailbox, imap)
    imap.append(make_mail(subject="Before"), b"\xff\xfe\x00garbage that is no mail at all\r\n\r\n\x00\x01",
                make_mail(subject="After"))
    report = poll_mailbox(database, email_settings, "support")
    assert (report.stored, report.failed) == (3, 0)
    assert all(seen for _, seen in imap.messages())
    with database.session(write=False) as db:
        statuses = db.scalars(select(RawEmail.status)).all()
    assert sorted(statuses) == ["new_ticket"] * 3 and _count(database, Ticket) == 3


@pytest.mark.parametrize(("module", "crash_in", "nth"), [
    (imap_module, "process_stored", 2),  # the second batch is stored, the process dies before processing it
    (conversation, "deliver", 3),  # inside the first batch's transaction, after two messages were delivered
    (conversation, "deliver", 6),  # inside the second batch's transaction
    (imap_module, "_done", 3),  # the first batch is committed, two of its messages flagged seen
], ids=["before-processing", "mid-first-batch", "mid-second-batch", "before-flagging"])
def test_crash_mid_batch_then_restart_loses_and_duplicates_nothing(
        database: Database, email_settings: Settings, mailbox: Mailbox, imap: Dovecot,
        monkeypatch: pytest.MonkeyPatch, module: Any, crash_in: str, nth: int) -> None:
    """The process dies somewhere in a poll of 6 messages in batches of 4; the next poll finishes the work."""
    use_imap(database, mailbox, imap)
    monkeypatch.setattr(imap_module, "BATCH_SIZE", 4)
    imap.append(*[make_mail(sender=f"c{i}@client.example", subject=f"Batch {i}") for i in range(6)])
    real = getattr(module, crash_in)
    calls = {"n": 0}

    def dies(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == nth:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, crash_in, dies)
    with pytest.raises(KeyboardInterrupt):
        poll_mailbox(database, email_settings, "support")
    monkeypatch.setattr(module, crash_in, real)
    poll_all(database, email_settings)
    assert _count(database, Ticket) == 6 and _count(database, RawEmail) == 6
    with database.session(write=False) as db:
        assert sorted(db.scalars(select(Ticket.subject))) == [f"Batch {i}" for i in range(6)]
        assert set(db.scalars(select(RawEmail.status))) == {"new_ticket"}
    assert all(seen for _, seen in imap.messages())


def test_killed_poll_process_then_restart(database: Database, email_settings: Settings, mailbox: Mailbox,
                                          imap: Dovecot) -> None:
    """SIGKILL a real `mail poll` process mid-batch, poll again: every message exactly once, all seen."""
    use_imap(database, mailbox, imap)
    total = 25
    imap.append(*[make_mail(sender=f"customer{i}@client.example", subject=f"Kill {i}") for i in range(total)])
    env = {**os.environ, "FRONTLINE_DATABASE_URL": database.url, "FRONTLINE_DATA_DIR": str(email_settings.data_dir),
           "FRONTLINE_EMAIL_CA_FILE": str(email_settings.email_ca_file), "FRONTLINE_LOG_JSON": "false"}
    # the mail command group alone: the same code as `frontline mail poll`, without importing every other domain
    command = [sys.executable, "-c", "from frontline.cli.mail import mail_app; mail_app()", "poll", "--mailbox",
               "support"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(database, RawEmail) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    poll_all(database, email_settings)
    assert _count(database, Ticket) == total and _count(database, RawEmail) == total
    assert all(seen for _, seen in imap.messages())

"""Issue 11.2: mail flows on its own. A configured mailbox is polled and its mail becomes a ticket, and an agent's
reply reaches the SMTP server within seconds, with no cron and no command run by hand: in the web process on
SQLite (the in-process runner) and by a real `frontline worker` process on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontline.accounts.models import User
from frontline.api.app import create_app
from frontline.channels.email.models import Mailbox
from frontline.channels.email.schemas import MailboxCreate
from frontline.channels.email.service import create_mailbox
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.models import Ticket
from tests.channels.email.conftest import Dovecot, SmtpCapture, free_port, make_mail
from tests.channels.email.test_imap import use_imap
from tests.channels.email.test_outbound import use_smtp
from tests.jobs.support import REPO, kill, wait_for
from tests.web.conftest import browser_for  # noqa: F401 (the fixture)

FRONTLINE = Path(sys.executable).parent / "frontline"


@contextmanager
def desk_running(database: Database, settings: Settings, log: Path) -> Iterator[TestClient]:
    """The desk as it runs in production: on SQLite the web process runs the jobs itself; on PostgreSQL a
    separate `frontline worker` process does (the web app's own runner off)."""
    if database.is_sqlite:
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client
        return
    env = {**os.environ, "FRONTLINE_DATABASE_URL": database.url, "FRONTLINE_DATA_DIR": str(settings.data_dir),
           "FRONTLINE_SECRET_KEY": settings.secret_key.get_secret_value() if hasattr(settings.secret_key,
                                                                                     "get_secret_value")
           else str(settings.secret_key),
           "FRONTLINE_EMAIL_CA_FILE": str(settings.email_ca_file), "FRONTLINE_EMAIL_RETRY_BASE_SECONDS": "0",
           "FRONTLINE_LOG_JSON": "false", "FRONTLINE_JOBS_IN_PROCESS": "false", "PYTHONPATH": str(REPO)}
    worker = subprocess.Popen([str(FRONTLINE), "worker"], cwd=REPO, env=env, stdout=log.open("wb"),
                              stderr=subprocess.STDOUT)
    try:
        with TestClient(create_app(settings.model_copy(update={"jobs_in_process": False})),
                        raise_server_exceptions=False) as client:
            yield client
        assert worker.poll() is None, log.read_text()  # it must not have stopped by itself
    finally:
        kill(worker)


def _ticket(database: Database, subject: str) -> Ticket | None:
    with database.session(write=False) as db:
        return db.scalar(select(Ticket).where(Ticket.subject == subject))


def _box(database: Database, mailbox_id: int) -> Mailbox:
    with database.session(write=False) as db:
        box = db.get(Mailbox, mailbox_id)
        assert box is not None
        return box


def test_mailbox_is_polled_and_reply_is_sent_without_any_command(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, imap: Dovecot,
        smtp: tuple[SmtpCapture, int], tmp_path: Path) -> None:
    capture, port = smtp
    use_imap(database, mailbox, imap)
    use_smtp(database, mailbox, port)
    imap.append(make_mail(subject="Scanner offline", message_id="<scan-1@client.example>"))
    with desk_running(database, email_settings, tmp_path / "worker.log") as client:
        assert wait_for(lambda: _ticket(database, "Scanner offline") is not None, timeout=90), \
            (tmp_path / "worker.log").read_text() if (tmp_path / "worker.log").exists() else "no ticket"
        ticket = _ticket(database, "Scanner offline")
        assert ticket is not None
        assert wait_for(lambda: _box(database, mailbox.id).last_poll_ok_at is not None, timeout=30)
        assert _box(database, mailbox.id).last_poll_error is None
        started = time.monotonic()
        response = client.post(f"/api/v1/tickets/{ticket.id}/messages", headers=desk.admin.headers,
                               json={"kind": "reply", "body_text": "The scanner is back online."})
        assert response.status_code == 201, response.text

        def replied() -> bool:
            return any(str(c.message["Subject"]).startswith("Re: Scanner offline") for c in capture.messages)

        assert wait_for(replied, timeout=30)
        took = time.monotonic() - started
        assert took < 15, f"the reply took {took:.1f} s to reach the SMTP server"
        [reply] = [c.message for c in capture.messages if str(c.message["Subject"]).startswith("Re:")]
        assert reply["In-Reply-To"] == "<scan-1@client.example>"
        # the customer's answer is picked up on the mailbox's next poll (its interval, here 10 s)
        with database.session() as db:
            stored = db.get(Mailbox, mailbox.id)
            assert stored is not None
            stored.poll_interval_seconds = 10
        imap.append(make_mail(subject="Re: Scanner offline", in_reply_to=reply["Message-ID"],
                              body="Works again, thank you."))

        def answered() -> bool:
            with database.session(write=False) as db:
                return db.scalar(select(Ticket.id).where(Ticket.subject == "Re: Scanner offline")) is None and \
                    len(list(db.scalars(select(Ticket)))) == 1 and _inbound(db, ticket.id) == 2

        assert wait_for(answered, timeout=60)


def _inbound(db: Any, ticket_id: int) -> int:
    from frontline.tickets.models import Message

    return len(list(db.scalars(select(Message.id).where(Message.ticket_id == ticket_id, Message.kind == "inbound"))))


def _silent_server() -> tuple[socket.socket, int]:
    """A TCP port that accepts connections and never says a word: an IMAP client waits for its greeting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener, int(listener.getsockname()[1])


def test_a_broken_mailbox_never_delays_the_others_and_the_admin_page_says_what_went_wrong(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any, imap: Dovecot,
        browser_for: Any, tmp_path: Path) -> None:  # noqa: F811 (the fixture imported above)
    silent, silent_port = _silent_server()
    try:
        with database.session() as db:
            hanging = create_mailbox(db, MailboxCreate(name="hanging", address="hang@desk.example",
                                                       imap_host="127.0.0.1", imap_port=silent_port,
                                                       imap_security="none", imap_user="x", imap_password="y"))
            refused = create_mailbox(db, MailboxCreate(name="refused", address="refused@desk.example",
                                                       imap_host="127.0.0.1", imap_port=free_port(),
                                                       imap_security="none", imap_user="x", imap_password="y"))
            hanging_id, refused_id = hanging.id, refused.id
        use_imap(database, mailbox, imap)
        imap.append(make_mail(subject="Printer jammed"))
        with desk_running(database, email_settings, tmp_path / "worker.log"):
            started = time.monotonic()
            assert wait_for(lambda: _ticket(database, "Printer jammed") is not None, timeout=60)
            took = time.monotonic() - started
            assert wait_for(lambda: _box(database, refused_id).last_poll_error is not None, timeout=30)
            assert _box(database, hanging_id).last_poll_ok_at is None  # still waiting for its silent server
        assert took < 40, f"the working mailbox waited {took:.1f} s behind the broken ones"
        assert str(_box(database, refused_id).last_poll_error).startswith("refused: ")
        assert _box(database, mailbox.id).last_poll_ok_at is not None
        page = browser_for(desk.admin).get("/ui/admin/mailboxes")
        assert page.status_code == 200
        assert "The server refused the connection. Check the host, the port and the security setting." in page.text
        assert "Last success:" in page.text and "No errors." in page.text
        with database.session() as db:
            admin = db.get(User, desk.admin.user.id)
            assert admin is not None
            admin.language = "ru"
        ru_page = browser_for(desk.admin).get("/ui/admin/mailboxes").text
        assert "Последняя успешная:" in ru_page and "Ошибок нет." in ru_page
        assert "Сервер отклонил соединение. Проверьте адрес, порт и настройку защиты." in ru_page
    finally:
        silent.close()


def test_admin_sets_the_polling_interval_and_a_bad_one_is_explained(
        database: Database, mailbox: Mailbox, desk: Any, browser_for: Any) -> None:  # noqa: F811
    admin = browser_for(desk.admin)
    form = {"address": "support@desk.example", "display_name": "Desk Support", "imap_folder": "INBOX",
            "poll_interval_seconds": "300", "auto_ack": "on", "is_active": "on"}
    saved = admin.post("/ui/admin/mailboxes/support", form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _box(database, mailbox.id).poll_interval_seconds == 300
    assert 'name="poll_interval_seconds" type="number" min="10" max="86400" value="300"' in \
        admin.get("/ui/admin/mailboxes/support").text
    for bad in ("5", "soon"):
        refused = admin.post("/ui/admin/mailboxes/support", {**form, "poll_interval_seconds": bad})
        assert refused.status_code == 422
        assert "Check for new mail every (seconds): the value is not valid." in refused.text
    assert _box(database, mailbox.id).poll_interval_seconds == 300

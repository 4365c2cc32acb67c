"""Outbound: agents' replies reach a real SMTP server with threading headers; retries, failures, auto-acks,
bounces, loop and flood protection."""

from __future__ import annotations

from collections.abc import Callable
from email.message import Message as MimeMessage
from typing import Any

from sqlalchemy import func, select

from frontline.accounts.principal import Principal
from frontline.channels.email.intake import IntakeResult, ingest
from frontline.channels.email.models import EmailOutbound, Mailbox
from frontline.channels.email.outbound import send_pending
from frontline.kit.db import Database
from frontline.kit.settings import Settings
from frontline.tickets.messages import add_agent_message, upload_attachment
from frontline.tickets.models import Message, Ticket, TicketEvent
from frontline.tickets.schemas import MessageCreate
from tests.channels.email.conftest import SMTP_PASSWORD, SMTP_USER, SmtpCapture, make_mail


def use_smtp(database: Database, mailbox: Mailbox, port: int, security: str = "starttls", **extra: Any) -> None:
    with database.session() as db:
        box = db.get(Mailbox, mailbox.id)
        assert box is not None
        box.smtp_host, box.smtp_port, box.smtp_security = "127.0.0.1", port, security
        box.smtp_user, box.smtp_password = SMTP_USER, SMTP_PASSWORD
        for key, value in extra.items():
            setattr(box, key, value)


def _in(database: Database, settings: Settings, mailbox: Mailbox, raw: bytes) -> IntakeResult:
    return ingest(database, settings, mailbox.id, raw, source="test")


def _reply(database: Database, settings: Settings, desk: Any, ticket_id: int, text: str, *,
           html: str | None = None, attachment: bytes | None = None) -> int:
    actor = Principal(user_id=desk.agent1.user.id, role="agent", team_ids=frozenset({desk.l1.id}))
    with database.session() as db:
        ticket = db.get(Ticket, ticket_id)
        assert ticket is not None
        ids = []
        if attachment is not None:
            import io

            ids = [upload_attachment(db, settings.data_dir, ticket, io.BytesIO(attachment), filename="log.txt",
                                     content_type="text/plain", limit=10_000, uploader_id=None).id]
        return add_agent_message(db, ticket, MessageCreate(body_text=text, body_html=html, attachment_ids=ids),
                                 actor).id


def _delivery(database: Database, message_id: int) -> str | None:
    with database.session(write=False) as db:
        message = db.get(Message, message_id)
        return message.delivery_status if message else None


def _parts(mail: MimeMessage) -> list[str]:
    return [part.get_content_type() for part in mail.walk()]


def _no_ack(database: Database, mailbox: Mailbox) -> None:
    with database.session() as db:
        box = db.get(Mailbox, mailbox.id)
        assert box is not None
        box.auto_ack = False


def test_agent_reply_goes_out_with_threading_headers(database: Database, email_settings: Settings,
                                                     mailbox: Mailbox, desk: Any,
                                                     smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port, reply_token=True)
    _no_ack(database, mailbox)
    first = _in(database, email_settings, mailbox,
                make_mail(subject="VPN down", message_id="<q1@client.example>", cc="boss@client.example"))
    ticket_id = first.ticket_id or 0
    message_id = _reply(database, email_settings, desk, ticket_id, "Please restart the client.",
                        html="<p>Please <b>restart</b> the client.</p>", attachment=b"log line\n")
    report = send_pending(database, email_settings)
    assert (report.queued, report.sent, report.failed) == (1, 1, 0)
    assert _delivery(database, message_id) == "sent"
    [sent] = capture.messages
    mail = sent.message
    with database.session(write=False) as db:
        ours = db.scalar(select(EmailOutbound.header_message_id).where(EmailOutbound.message_id == message_id))
    assert ours is not None and mail["Message-ID"] == ours and ours.startswith("<fl.")
    assert mail["In-Reply-To"] == "<q1@client.example>" and mail["References"] == "<q1@client.example>"
    assert mail["Subject"] == f"Re: VPN down [FL-{ticket_id}]"
    assert mail["Reply-To"].startswith("support+t.") and mail["Cc"] == "boss@client.example"
    assert sorted(sent.recipients) == ["boss@client.example", "ivan@client.example"]
    assert sent.envelope_from == "support@desk.example"
    assert _parts(mail) == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/plain"]
    leaves = [part for part in mail.walk() if not part.is_multipart()]
    assert "restart the client" in bytes(leaves[0].get_payload(decode=True)).decode()
    assert "<b>restart</b>" in bytes(leaves[1].get_payload(decode=True)).decode()
    assert leaves[2].get_filename() == "log.txt"
    # the customer's answer to our reply joins the same ticket
    answer = _in(database, email_settings, mailbox, make_mail(subject="Re: VPN down", in_reply_to=ours))
    assert answer.ticket_id == ticket_id


def test_temporary_failure_is_retried_and_permanent_one_is_visible(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    _no_ack(database, mailbox)
    ticket_id = _in(database, email_settings, mailbox, make_mail()).ticket_id or 0
    first = _reply(database, email_settings, desk, ticket_id, "First answer")
    capture.reject = (451, "4.3.0 try later")
    assert send_pending(database, email_settings).retried == 1
    assert _delivery(database, first) == "pending"
    capture.reject = None
    assert send_pending(database, email_settings).sent == 1
    assert _delivery(database, first) == "sent" and len(capture.messages) == 1
    second = _reply(database, email_settings, desk, ticket_id, "Second answer")
    capture.reject = (550, "5.1.1 no such user")
    assert send_pending(database, email_settings).failed == 1
    assert _delivery(database, second) == "failed"
    with database.session(write=False) as db:
        events = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                      TicketEvent.kind == "delivery_failed")).all()
    assert len(events) == 1 and "550" in (events[0].data or {})["error"]


def test_unreachable_server_gives_up_after_max_attempts(database: Database, email_settings: Settings,
                                                       mailbox: Mailbox, desk: Any) -> None:
    from tests.channels.email.conftest import free_port

    use_smtp(database, mailbox, free_port())
    _no_ack(database, mailbox)
    settings = email_settings.model_copy(update={"email_send_max_attempts": 2})
    ticket_id = _in(database, settings, mailbox, make_mail()).ticket_id or 0
    message_id = _reply(database, settings, desk, ticket_id, "Hello")
    assert send_pending(database, settings).retried == 1
    assert send_pending(database, settings).failed == 1
    assert _delivery(database, message_id) == "failed"


def test_auto_ack_in_the_customers_language_with_loop_headers(
        database: Database, email_settings: Settings, mailbox: Mailbox, smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    result = _in(database, email_settings, mailbox,
                 make_mail(subject="Не работает принтер", body="Здравствуйте! Принтер снова не печатает."))
    send_pending(database, email_settings)
    [ack] = capture.messages
    mail = ack.message
    assert ack.recipients == ["ivan@client.example"]
    assert str(mail["Subject"]).startswith("=?utf-8?") or "[FL-" in mail["Subject"]
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == f"Ваше обращение получено [FL-{result.ticket_id}]"
    assert mail["Auto-Submitted"] == "auto-replied" and mail["X-Auto-Response-Suppress"] == "All"


def _responder(capture: SmtpCapture, seen: int) -> Callable[[], list[bytes]]:
    """An auto-responder that answers everything it received since last time, quoting the subject."""
    state = {"seen": seen}

    def answers() -> list[bytes]:
        new = capture.messages[state["seen"]:]
        state["seen"] = len(capture.messages)
        return [make_mail(sender="robot@client.example", subject=f"Re: {m.message['Subject']}",
                          in_reply_to=m.message["Message-ID"], body="I am away until Monday.",
                          headers={"Auto-Submitted": "auto-replied"}) for m in new]

    return answers


def test_auto_reply_loop_stops_after_one_message(database: Database, email_settings: Settings,
                                                 mailbox: Mailbox, smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    responder = _responder(capture, 0)
    _in(database, email_settings, mailbox, make_mail(sender="robot@client.example", subject="Hello"))
    for _ in range(5):
        send_pending(database, email_settings)
        for raw in responder():
            _in(database, email_settings, mailbox, raw)
    assert len(capture.messages) == 1  # our one acknowledgement; the robot's answers get none


def test_loop_with_a_naive_responder_stops_too(database: Database, email_settings: Settings, mailbox: Mailbox,
                                               smtp: tuple[SmtpCapture, int]) -> None:
    """No Auto-Submitted header, subject rewritten every time: the per-sender limit still ends it."""
    capture, port = smtp
    use_smtp(database, mailbox, port)
    _in(database, email_settings, mailbox, make_mail(sender="naive@client.example", subject="Start"))
    for round_ in range(6):
        send_pending(database, email_settings)
        for m in capture.messages[round_:]:
            _in(database, email_settings, mailbox,
                make_mail(sender="naive@client.example", subject=f"Got: {m.message['Message-ID']}"))
    assert len(capture.messages) == email_settings.email_auto_reply_limit


def test_bounce_marks_our_reply_failed_and_opens_no_ticket(
        database: Database, email_settings: Settings, mailbox: Mailbox, desk: Any,
        smtp: tuple[SmtpCapture, int]) -> None:
    capture, port = smtp
    use_smtp(database, mailbox, port)
    _no_ack(database, mailbox)
    ticket_id = _in(database, email_settings, mailbox, make_mail()).ticket_id or 0
    message_id = _reply(database, email_settings, desk, ticket_id, "Answer")
    send_pending(database, email_settings)
    ours = capture.messages[0].message["Message-ID"]
    delay = _in(database, email_settings, mailbox, _dsn(ours, action="delayed", status="4.4.7"))
    assert delay.status == "bounce" and _delivery(database, message_id) == "sent"
    bounce = _in(database, email_settings, mailbox, _dsn(ours, action="failed", status="5.1.1"))
    assert (bounce.status, bounce.ticket_id) == ("bounce", ticket_id)
    assert _delivery(database, message_id) == "failed"
    with database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 1
        kinds = db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket_id)).all()
    assert "delivery_failed" in kinds and "delivery_delayed" in kinds


def _dsn(original_id: str, *, action: str, status: str) -> bytes:
    boundary = "dsn-boundary"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.client.example>\r\nTo: support@desk.example\r\n"
        f"Subject: Delivery Status Notification\r\nMessage-ID: <dsn-{action}@mx.client.example>\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"'
        f"\r\n\r\n--{boundary}\r\nContent-Type: text/plain\r\n\r\nDelivery to ivan@client.example: {action}.\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.example\r\n\r\n"
        f"Final-Recipient: rfc822; ivan@client.example\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {original_id}\r\n"
        f"Subject: Re: Help\r\n\r\n--{boundary}--\r\n"
    ).encode()


def test_flood_from_one_sender_joins_the_latest_ticket(database: Database, email_settings: Settings,
                                                       mailbox: Mailbox) -> None:
    settings = email_settings.model_copy(update={"email_flood_limit": 3})
    results = [_in(database, settings, mailbox, make_mail(sender="spam@client.example", subject=f"Spam {i}"))
               for i in range(6)]
    assert [r.status for r in results] == ["new_ticket"] * 3 + ["joined"] * 3
    assert {r.ticket_id for r in results[3:]} == {results[2].ticket_id}
    with database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 3
        acks = db.scalar(select(func.count()).select_from(EmailOutbound))
    assert acks == settings.email_auto_reply_limit

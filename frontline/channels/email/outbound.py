"""The outbound mail queue: agents' replies and auto-acknowledgements, retries, bounces.

An agent's reply on an email ticket is a Message (kind reply, delivery_status 'pending'). The
queue gives it an `email_outbound` row with a Message-ID of ours, sends it by SMTP outside any
transaction, and records the result: 'sent', a retry with backoff, or 'failed' with a ticket
event the agent sees. `send_pending(database, settings)` is the one entry point a periodic job
calls; `deliver(database, settings, outbound_id)` sends one message now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.channels.email import compose_reply
from frontline.channels.email.bounces import verp_recipient
from frontline.channels.email.context import IntakeContext, MailboxConfig, context_of
from frontline.channels.email.parsed import ParsedEmail
from frontline.channels.email.smtp import PermanentFailure, TemporaryFailure, send
from frontline.channels.email.thread_match import base_address, new_message_id
from frontline.channels.email.threading_keys import verp_token
from frontline.kit.db import Database, utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.tickets import history

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_DELAY = timedelta(hours=6)


@dataclass
class SendReport:
    queued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def language_of(contact_language: str | None, parsed: ParsedEmail) -> str:
    """'ru' or 'en': the contact's language when known, else what the mail is written in."""
    if contact_language:
        return "ru" if contact_language.lower().startswith("ru") else "en"
    return compose_reply.written_in(f"{parsed.subject}\n{parsed.visible_text or parsed.text}")


def render(template: str, **values: str) -> str:
    """{number}, {name}, {subject} placeholders; anything else in braces is left alone."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _recent_acks(sql: Raw, settings: Settings, address: str) -> int:
    since = utcnow() - timedelta(minutes=settings.email_auto_reply_window_minutes)
    return int(sql.value(
        "SELECT COUNT(*) FROM email_outbound WHERE to_address = :a AND kind = 'auto_ack' AND created_at >= :since",
        {"a": address, "since": sql.time(since)},
    ))


def maybe_auto_ack(db: Session, settings: Settings, mailbox: MailboxConfig, ticket_id: int, parsed: ParsedEmail,
                   contact_id: int | None, *, context: IntakeContext | None = None) -> bool:
    """Queue the acknowledgement of a new ticket unless the mail is automatic (auto-reply, bounce, list), its
    answer address was salvaged from a malformed header (an agent confirms it first), or the sender had enough."""
    if not mailbox.auto_ack or parsed.auto.is_auto or parsed.auto.is_noreply_sender:
        return False
    to = parsed.reply_address.strip().lower()
    ctx = context_of(db, context)
    sql = ctx.sql
    if "@" not in to or base_address(to) in ctx.own_addresses():
        return False
    if parsed.reply_address_unconfirmed:
        ctx.event(ticket_id, "auto_ack_skipped", {"to": to, "reason": "sender address unconfirmed"})
        return False
    if _recent_acks(sql, settings, to) >= settings.email_auto_reply_limit:
        ctx.event(ticket_id, "auto_ack_skipped", {"to": to, "reason": "rate limit"})
        return False
    contact = sql.one("SELECT name, language FROM contact WHERE id = :c", {"c": contact_id}) if contact_id else None
    language = language_of(contact[1] if contact else None, parsed)
    number = f"{settings.ticket_prefix}-{ticket_id}"
    values = {"number": number, "name": (contact[0] if contact else "") or parsed.from_[0] or to,
              "subject": parsed.subject}
    subject = render(mailbox.template("subject", language), **values)
    if f"[{number}]" not in subject:
        subject = f"{subject} [{number}]"
    body = render(mailbox.template("body", language), **values)
    now = sql.time(utcnow())
    sql.run(
        "INSERT INTO email_outbound (kind, ticket_id, mailbox_id, header_message_id, to_address, subject, body_text,"
        " status, attempts, next_attempt_at, created_at) VALUES ('auto_ack', :t, :m, :h, :to, :s, :b, 'pending', 0,"
        " :now, :now)",
        {"t": ticket_id, "m": mailbox.id, "h": new_message_id(settings, ticket_id), "to": to, "s": subject,
         "b": body, "now": now},
    )
    ctx.event(ticket_id, "auto_ack", {"to": to, "language": language})
    return True


def _by_verp(sql: Raw, parsed: ParsedEmail) -> tuple[int, int, int | None] | None:
    """The exact mail a bounce is about, from the VERP return path it was delivered to."""
    recipient = verp_recipient(parsed)
    token = verp_token(recipient) if recipient else None
    if token is None:
        return None
    row = sql.one("SELECT id, ticket_id, message_id FROM email_outbound WHERE ticket_id = :t"
                  " AND header_message_id LIKE :h", {"t": token[0], "h": f"<{token[1]}@%"})
    return (int(row[0]), int(row[1]), row[2]) if row is not None else None


def _outbound_for(sql: Raw, parsed: ParsedEmail) -> tuple[int, int, int | None] | None:
    """Our mail a bounce is about: by VERP return path, else by the returned Message-ID (or the bounce's own
    In-Reply-To / References)."""
    found = _by_verp(sql, parsed)
    if found is not None:
        return found
    candidates = [parsed.bounce.original_message_id, *parsed.in_reply_to, *parsed.references]
    for header_id in filter(None, candidates):
        header_id = f"<{header_id.strip().strip('<>')}>"
        row = sql.one("SELECT id, ticket_id, message_id FROM email_outbound WHERE header_message_id = :h",
                      {"h": header_id})
        if row is not None:
            return int(row[0]), int(row[1]), row[2]
    return None


def record_bounce(db: Session, parsed: ParsedEmail) -> int | None:
    """A delivery report about our mail: a final failure marks it failed; a delay is only noted."""
    sql = Raw(db)
    found = _outbound_for(sql, parsed)
    if found is None:
        return None
    outbound_id, ticket_id, message_id = found
    bounce = parsed.bounce
    data = {"outbound_id": outbound_id, "message_id": message_id, "status_codes": bounce.status_codes[:10],
            "recipients": [r.address for r in bounce.recipients][:20], "reason": bounce.reason}
    if bounce.is_delay and not bounce.is_permanent:
        history.record(db, ticket_id, "delivery_delayed", None, data=data)
        return ticket_id
    _mark_failed(sql, db, outbound_id, ticket_id, message_id, f"bounced: {bounce.reason or 'delivery failed'}",
                 data)
    return ticket_id


def _mark_failed(sql: Raw, db: Session, outbound_id: int, ticket_id: int, message_id: int | None, error: str,
                 data: dict[str, Any]) -> None:
    sql.run("UPDATE email_outbound SET status = 'failed', last_error = :e, locked_until = NULL WHERE id = :id",
            {"e": error[:2000], "id": outbound_id})
    if message_id is not None:
        sql.run("UPDATE message SET delivery_status = 'failed' WHERE id = :id", {"id": message_id})
    history.record(db, ticket_id, "delivery_failed", None,
                   data={"message_id": message_id, **data, "error": error[:500]})


def _backoff(settings: Settings, attempts: int) -> timedelta:
    delay = timedelta(seconds=settings.email_retry_base_seconds * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_DELAY)


def _claim(database: Database, outbound_id: int, now: datetime) -> bool:
    with database.session() as db:
        sql = Raw(db)
        row = sql.one(
            "UPDATE email_outbound SET locked_until = :lease WHERE id = :id AND status = 'pending'"
            " AND (locked_until IS NULL OR locked_until < :now) RETURNING id",
            {"lease": sql.time(now + LEASE), "now": sql.time(now), "id": outbound_id},
        )
        return row is not None


def _record(database: Database, settings: Settings, outbound_id: int, error: Exception | None,
            refused: dict[str, str]) -> str:
    with database.session() as db:
        sql = Raw(db)
        row = sql.one("SELECT ticket_id, message_id, attempts FROM email_outbound WHERE id = :id",
                      {"id": outbound_id})
        assert row is not None
        ticket_id, message_id, attempts = int(row[0]), row[1], int(row[2]) + 1
        now = utcnow()
        if error is None:
            sql.run(f"UPDATE email_outbound SET status = 'sent', attempts = :n, sent_at = :now, locked_until = NULL,"
                    f" details = :d{sql.json_cast()} WHERE id = :id",
                    {"n": attempts, "now": sql.time(now), "d": sql.json({"refused": refused}), "id": outbound_id})
            if message_id is not None:
                sql.run("UPDATE message SET delivery_status = 'sent' WHERE id = :id", {"id": message_id})
            return "sent"
        permanent = isinstance(error, PermanentFailure) or attempts >= settings.email_send_max_attempts
        if permanent:
            sql.run("UPDATE email_outbound SET attempts = :n WHERE id = :id", {"n": attempts, "id": outbound_id})
            _mark_failed(sql, db, outbound_id, ticket_id, message_id, str(error), {"attempts": attempts})
            return "failed"
        sql.run("UPDATE email_outbound SET attempts = :n, next_attempt_at = :next, last_error = :e,"
                " locked_until = NULL WHERE id = :id",
                {"n": attempts, "next": sql.time(now + _backoff(settings, attempts)), "e": str(error)[:2000],
                 "id": outbound_id})
        return "retry"


def deliver(database: Database, settings: Settings, outbound_id: int) -> str:
    """Send one queued mail now: 'sent', 'retry', 'failed', or 'skipped' (not due or taken by another worker)."""
    if not _claim(database, outbound_id, utcnow()):
        return "skipped"
    error: Exception | None = None
    refused: dict[str, str] = {}
    try:
        with database.session(write=False) as db:
            prepared = compose_reply.prepare(db, settings, outbound_id)
        refused = send(prepared.server, settings, prepared.message, prepared.envelope_from, prepared.recipients)
    except (TemporaryFailure, PermanentFailure) as failure:
        error = failure
    except compose_reply.CannotSend as failure:
        error = PermanentFailure(str(failure))
    if error is not None:
        log.warning("email outbound %s not sent: %s", outbound_id, error)
    return _record(database, settings, outbound_id, error, refused)


def send_pending(database: Database, settings: Settings, *, limit: int = 500) -> SendReport:
    """Queue new replies, then send every due mail. Safe to run from several processes."""
    report = SendReport()
    with database.session() as db:
        report.queued = compose_reply.queue_replies(db, settings)
    with database.session(write=False) as db:
        sql = Raw(db)
        due = [int(r[0]) for r in sql.rows(
            "SELECT id FROM email_outbound WHERE status = 'pending' AND next_attempt_at <= :now ORDER BY id LIMIT :n",
            {"now": sql.time(utcnow()), "n": limit})]
    for outbound_id in due:
        result = deliver(database, settings, outbound_id)
        if result == "sent":
            report.sent += 1
        elif result == "retry":
            report.retried += 1
        elif result == "failed":
            report.failed += 1
    return report

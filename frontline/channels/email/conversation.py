"""A parsed mail becomes a new ticket, a message on an existing one, or a linked follow-up.

Runs inside `process_raw`'s transaction. Threading is decided by thread_match; this module applies
the desk's rules: who may join a thread, closed tickets, flood throttling, CC lists, attachments,
visible warnings, and whether the sender gets an auto-acknowledgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.channels.email import outbound
from frontline.channels.email.body import MessageBody, message_body
from frontline.channels.email.context import IntakeContext, MailboxConfig, context_of
from frontline.channels.email.models import ClosedReply, RawStatus
from frontline.channels.email.parsed import ParsedEmail
from frontline.channels.email.senders import customer_ref
from frontline.channels.email.thread_match import base_address, find_thread, sender_is_known
from frontline.contacts.service import contact_for_email
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.tickets import history
from frontline.tickets.create import create_ticket
from frontline.tickets.messages import add_customer_message
from frontline.tickets.models import Channel, Status, Ticket
from frontline.tickets.rows import TicketRow
from frontline.tickets.schemas import CustomerRef, TicketCreate
from frontline.tickets.storage import store_bytes

MAX_TEXT = 200_000
MAX_HTML = 1_000_000


@dataclass
class Outcome:
    status: str
    ticket_id: int | None = None
    message_id: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Incoming:
    """One mail being delivered, with what we know about where it comes from."""

    mailbox: MailboxConfig
    raw_id: int
    raw: bytes
    parsed: ParsedEmail
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sender(self) -> str:
        return self.parsed.from_address.strip().lower()

    @property
    def reply_address(self) -> str:
        return (self.parsed.reply_to[0][1] if self.parsed.reply_to else self.parsed.from_address).strip().lower()


def _text(mail: Incoming, warnings: list[str]) -> MessageBody:
    """The full text (quotes and signature only marked, in the meta), and what of it is new."""
    body = message_body(mail.parsed, MAX_TEXT, warnings)
    mail.meta.update(body.meta)
    return body


def _meta(mail: Incoming) -> dict[str, Any]:
    parsed = mail.parsed
    email: dict[str, Any] = {
        "raw_id": mail.raw_id, "from": mail.sender, "message_id": parsed.message_id,
        "to": [a for _, a in parsed.to][:50], "cc": [a for _, a in parsed.cc][:50],
        "warnings": parsed.warnings[:20], "quote_stripped": bool(parsed.visible_text) and
        parsed.visible_text != parsed.text,
    }
    if parsed.auto.is_auto:
        email["auto"] = parsed.auto.reasons[:10]
    email.update(mail.meta)
    return {"email": email}


def _add_ccs(sql: Raw, ticket_id: int, mail: Incoming, skip: set[str]) -> None:
    now = sql.time(utcnow())
    for name, address in [*mail.parsed.to, *mail.parsed.cc][:50]:
        address = address.strip().lower()
        if not address or "@" not in address or base_address(address) in skip or address == mail.sender:
            continue
        sql.run("INSERT INTO ticket_cc (ticket_id, address, name, created_at) VALUES (:t, :a, :n, :now)"
                " ON CONFLICT (ticket_id, address) DO NOTHING",
                {"t": ticket_id, "a": address[:320], "n": name[:200], "now": now})


def _store_attachments(sql: Raw, settings: Settings, ticket_id: int, message_id: int, mail: Incoming,
                       warnings: list[str]) -> None:
    now = sql.time(utcnow())
    for part in mail.parsed.attachments:
        if part.too_large or (not part.content and part.size):
            warnings.append(f"attachment '{part.filename}' ({part.size} bytes) is over the size limit; "
                            "it is kept only in the original message")
            continue
        sha, size = store_bytes(settings.data_dir, part.content, limit=max(len(part.content), 1))
        sql.run(
            "INSERT INTO attachment (ticket_id, message_id, sha256, filename, content_type, size, created_at)"
            " VALUES (:t, :m, :sha, :name, :type, :size, :now)",
            {"t": ticket_id, "m": message_id, "sha": sha, "name": part.filename[:255] or "attachment",
             "type": (part.content_type or "application/octet-stream")[:200], "size": size, "now": now},
        )


def attach_original(sql: Raw, settings: Settings, ticket_id: int, message_id: int | None, raw: bytes) -> None:
    sha, size = store_bytes(settings.data_dir, raw, limit=max(len(raw), 1))
    sql.run(
        "INSERT INTO attachment (ticket_id, message_id, sha256, filename, content_type, size, created_at)"
        " VALUES (:t, :m, :sha, 'original.eml', 'message/rfc822', :size, :now)",
        {"t": ticket_id, "m": message_id, "sha": sha, "size": size, "now": sql.time(utcnow())},
    )


def add_note(sql: Raw, ticket_id: int, text: str, data: dict[str, Any]) -> int:
    """An internal note agents see in the conversation (warnings about the mail)."""
    return int(sql.value(
        f"INSERT INTO message (ticket_id, kind, channel, body_text, meta, created_at) VALUES (:t, 'note', 'email',"
        f" :body, :meta{sql.json_cast()}, :now) RETURNING id",
        {"t": ticket_id, "body": text, "meta": sql.json({"email": data}), "now": sql.time(utcnow())},
    ))


def _finish_message(sql: Raw, settings: Settings, ticket_id: int, message_id: int, mail: Incoming,
                    warnings: list[str]) -> None:
    """Attachments, HTML, meta and, when something went wrong, the original plus a visible note."""
    _store_attachments(sql, settings, ticket_id, message_id, mail, warnings)
    html = mail.parsed.html if mail.parsed.html and len(mail.parsed.html) <= MAX_HTML else None
    meta = _meta(mail)
    meta["email"]["warnings"] = [*meta["email"]["warnings"], *warnings][:30]
    sql.run(f"UPDATE message SET body_html = :html, meta = :meta{sql.json_cast()} WHERE id = :id",
            {"html": html, "meta": sql.json(meta), "id": message_id})
    if mail.parsed.has_parse_errors or warnings:
        if mail.parsed.has_parse_errors:
            attach_original(sql, settings, ticket_id, message_id, mail.raw)
        lines = [*(mail.parsed.warnings if mail.parsed.has_parse_errors else []), *warnings]
        add_note(sql, ticket_id, "This email could not be read completely:\n- " + "\n- ".join(lines[:20]),
                 {"raw_id": mail.raw_id, "parse_warning": True})


def _customer(mail: Incoming) -> CustomerRef | None:
    return customer_ref(mail.parsed)


def new_ticket(db: Session, settings: Settings, mail: Incoming, *, follow_up_of: int | None = None,
               throttled: bool = False, context: IntakeContext | None = None) -> Outcome:
    ctx = context_of(db, context)
    sql = ctx.sql
    warnings: list[str] = []
    body = _text(mail, warnings)
    box = mail.mailbox
    data = TicketCreate(
        subject=(mail.parsed.subject.strip() or "(no subject)")[:500], description=body.text or "(no text)",
        customer=_customer(mail), priority=box.default_priority,
        channel=Channel.email, team_id=box.team_id, line=box.default_line,
    )
    ticket = create_ticket(db, None, data)
    message_id = ticket.message_id
    assert message_id is not None  # the description is never empty
    if follow_up_of is not None:
        mail.meta["follow_up_of"] = follow_up_of
        ctx.event(ticket.id, "follow_up", {"follow_up_of": follow_up_of})
        ctx.event(follow_up_of, "follow_up", {"follow_up": ticket.id})
    _finish_message(sql, settings, ticket.id, message_id, mail, warnings)
    if mail.reply_address:
        sql.run("INSERT INTO email_ticket (ticket_id, mailbox_id, customer_address, created_at)"
                " VALUES (:t, :m, :a, :now)", {"t": ticket.id, "m": box.id, "a": mail.reply_address[:320],
                                               "now": sql.time(utcnow())})
    _add_ccs(sql, ticket.id, mail, ctx.own_addresses())
    if not throttled:
        outbound.maybe_auto_ack(db, settings, box, ticket.id, mail.parsed, ticket.contact_id, context=ctx)
    status = RawStatus.follow_up if follow_up_of is not None else RawStatus.new_ticket
    return Outcome(status, ticket.id, message_id, [*mail.parsed.warnings, *warnings])


def _author(sql: Raw, mail: Incoming) -> int | None:
    """The sender's contact, created on first contact like every customer's (contacts.service)."""
    try:
        return contact_for_email(sql, mail.sender, name=mail.parsed.from_[0]).id
    except InvalidInput:  # no address, or one no contact can have
        return None


def join(db: Session, settings: Settings, mail: Incoming, ticket: TicketRow, *, by: str,
         context: IntakeContext | None = None) -> Outcome:
    """Add the mail to an open (or solved) ticket; a stranger's mail is flagged for the agent."""
    ctx = context_of(db, context)
    sql = ctx.sql
    warnings: list[str] = []
    known = sender_is_known(sql, ticket.id, ticket.contact_id, mail.sender)
    mail.meta["threaded_by"] = by
    if not known:
        mail.meta["unknown_sender"] = True
    author_id = None if base_address(mail.sender) in ctx.own_addresses() else _author(sql, mail)
    body = _text(mail, warnings)
    message_id = add_customer_message(db, ticket, body.text, None, channel=Channel.email, author_contact_id=author_id,
                                      new_text=body.new)
    if not known:
        ctx.event(ticket.id, "unknown_sender", {"from": mail.sender, "message_id": message_id})
    _finish_message(sql, settings, ticket.id, message_id, mail, warnings)
    if known:
        _add_ccs(sql, ticket.id, mail, ctx.own_addresses())
    return Outcome(RawStatus.joined, ticket.id, message_id, [*mail.parsed.warnings, *warnings])


def _reopen_closed(db: Session, ticket: Ticket) -> None:
    """The mailbox asks closed tickets to reopen on reply (the core keeps 'closed' final elsewhere)."""
    ticket.status = Status.open
    ticket.closed_at = None
    ticket.solved_at = None
    ticket.reopen_count += 1
    history.record(db, ticket.id, "reopened", None, field="status", old=Status.closed, new=Status.open)


def _flood_ticket(sql: Raw, settings: Settings, sender: str) -> int | None:
    """Past the per-sender limit of new tickets per hour: the ticket further mail joins instead."""
    since = sql.time(utcnow() - timedelta(hours=1))
    count = sql.value(
        "SELECT COUNT(*) FROM raw_email WHERE from_address = :s AND status IN ('new_ticket', 'follow_up')"
        " AND received_at >= :since", {"s": sender, "since": since},
    )
    if int(count) < settings.email_flood_limit:
        return None
    row = sql.one(
        "SELECT r.ticket_id FROM raw_email r JOIN ticket t ON t.id = r.ticket_id WHERE r.from_address = :s"
        " AND r.status IN ('new_ticket', 'follow_up', 'joined') AND t.status <> 'closed' ORDER BY r.id DESC LIMIT 1",
        {"s": sender},
    )
    return int(row[0]) if row is not None else -1


def deliver(db: Session, settings: Settings, mailbox_id: int, raw_id: int, raw: bytes,
            parsed: ParsedEmail, *, context: IntakeContext | None = None) -> Outcome:
    """Decide where the mail goes and put it there."""
    ctx = context_of(db, context)
    mailbox = ctx.mailbox(mailbox_id)
    mail = Incoming(mailbox, raw_id, raw, parsed)
    sql = ctx.sql
    if parsed.bounce.is_bounce:
        ticket_id = outbound.record_bounce(db, parsed)
        return Outcome(RawStatus.bounce, ticket_id, None, parsed.warnings)
    match = find_thread(sql, settings, mailbox_id, parsed)
    if match is not None:
        ticket = ctx.ticket(match.ticket_id)
        assert ticket is not None
        if ticket.status != Status.closed:
            return join(db, settings, mail, ticket, by=match.by, context=ctx)
        if mailbox.closed_reply == ClosedReply.reopen and ticket.merged_into_id is None:
            orm_ticket = db.get(Ticket, ticket.id)
            assert orm_ticket is not None
            _reopen_closed(db, orm_ticket)
            db.flush()
            return join(db, settings, mail, replace(ticket, status=Status.open), by=match.by,
                        context=ctx)
        return new_ticket(db, settings, mail, follow_up_of=ticket.id, context=ctx)
    flood = _flood_ticket(sql, settings, mail.sender) if mail.sender else None
    if flood is not None and flood > 0:
        mail.meta["flood"] = True
        ticket = ctx.ticket(flood)
        assert ticket is not None
        return join(db, settings, mail, ticket, by="flood", context=ctx)
    return new_ticket(db, settings, mail, throttled=flood is not None, context=ctx)


def deliver_unreadable(db: Session, settings: Settings, mailbox_id: int, raw_id: int, raw: bytes,
                       parsed: ParsedEmail, error: Exception, *, context: IntakeContext | None = None) -> Outcome:
    """Last resort when the normal path failed: a ticket with the original attached and a visible note."""
    ctx = context_of(db, context)
    sql = ctx.sql
    mailbox = ctx.mailbox(mailbox_id)
    mail = Incoming(mailbox, raw_id, raw, parsed)
    note = f"This email could not be processed ({type(error).__name__}); the original message is attached."
    data = TicketCreate(
        subject=(parsed.subject.strip() or "(unreadable email)")[:500], description=note,
        customer=_customer(mail), channel=Channel.email, team_id=mailbox.team_id,
    )
    ticket = create_ticket(db, None, data)
    message_id = ticket.message_id
    assert message_id is not None  # the description is never empty
    sql.run(f"UPDATE message SET meta = :meta{sql.json_cast()} WHERE id = :id",
            {"meta": sql.json({"email": {"raw_id": raw_id, "unreadable": True, "error": type(error).__name__}}),
             "id": message_id})
    attach_original(sql, settings, ticket.id, message_id, raw)
    add_note(sql, ticket.id, note, {"raw_id": raw_id, "parse_warning": True})
    if mail.reply_address:
        sql.run("INSERT INTO email_ticket (ticket_id, mailbox_id, customer_address, created_at)"
                " VALUES (:t, :m, :a, :now)", {"t": ticket.id, "m": mailbox_id, "a": mail.reply_address[:320],
                                               "now": sql.time(utcnow())})
    return Outcome(RawStatus.new_ticket, ticket.id, message_id, [*parsed.warnings, note])

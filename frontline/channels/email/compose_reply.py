"""What an outbound mail says and where it goes: recipients, subject with the ticket number, threading
headers (In-Reply-To the customer's latest mail, References to the whole conversation), Reply-To,
attachments. Also turns agents' pending replies into queue rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.auth import ticket_link_token
from frontline.channels.email.models import Mailbox, OutboundKind
from frontline.channels.email.senders import refusal, unconfirmed_address
from frontline.channels.email.smtp import OutgoingMail, SmtpServer, TemporaryFailure, compose, text_to_html
from frontline.channels.email.thread_match import new_message_id, reply_address
from frontline.channels.email.threading_keys import strip_reply_prefixes, verp_address
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.tickets import history
from frontline.tickets.models import Attachment, Message, Ticket
from frontline.tickets.storage import blob_path

SCAN_BACK = 10_000
"""queue_replies looks at messages newer than the last queued reply minus this many ids."""
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


class CannotSend(Exception):
    """The mail can never go out as it stands (no recipient, no mailbox)."""


@dataclass
class Prepared:
    server: SmtpServer
    message: EmailMessage
    envelope_from: str
    recipients: list[str]


MAILED_CHANNELS = ("email", "portal", "web", "api", "phone")
"""Channels whose public replies reach the customer by e-mail: every channel but the live ones (chat, Telegram),
which answer where the customer wrote. Off e-mail (portal, web form, API, phone) the mail carries the private
link, so the customer can follow the ticket and answer there or by replying to the mail."""
NO_ADDRESS = "no_address"
NO_MAILBOX = "no_mailbox"
NOT_SENT_REASONS = {
    NO_ADDRESS: "the customer has no e-mail address",
    NO_MAILBOX: "no active mailbox can send mail (none has an SMTP server)",
}


def _route(sql: Raw, ticket_id: int) -> tuple[int, str] | str:
    """(mailbox id, customer address) for a ticket, also for email tickets opened by hand and portal tickets;
    else why the reply cannot go out (NO_ADDRESS or NO_MAILBOX)."""
    row = sql.one("SELECT mailbox_id, customer_address FROM email_ticket WHERE ticket_id = :t", {"t": ticket_id})
    if row is not None:
        return int(row[0]), str(row[1])
    ticket = sql.one("SELECT team_id, contact_id FROM ticket WHERE id = :t", {"t": ticket_id})
    address = None
    if ticket is not None and ticket[1] is not None:
        address = sql.one("SELECT value FROM contact_identity WHERE contact_id = :c AND kind = 'email' ORDER BY id"
                          " LIMIT 1", {"c": ticket[1]})
    if ticket is None or address is None:
        return NO_ADDRESS
    box = sql.one("SELECT id FROM mailbox WHERE is_active = :yes AND smtp_host IS NOT NULL AND smtp_host <> ''"
                  " ORDER BY CASE WHEN team_id = :team THEN 0 ELSE 1 END, id LIMIT 1",
                  {"team": ticket[0], "yes": True})
    if box is None:
        return NO_MAILBOX
    return int(box[0]), str(address[0])


def queue_replies(db: Session, settings: Settings, *, message_id: int | None = None) -> int:
    """Give every pending agent reply on a ticket of a mailed channel its queue row and Message-ID (only the
    reply `message_id` when given); a reply that has nowhere to go is marked failed with the reason on its
    ticket's timeline."""
    sql = Raw(db)
    channels = ", ".join(f"'{c}'" for c in MAILED_CHANNELS)
    if message_id is None:
        floor = int(sql.value("SELECT COALESCE(MAX(message_id), 0) FROM email_outbound")) - SCAN_BACK
        where, params = "m.id > :floor", {"floor": floor}
    else:
        where, params = "m.id = :only", {"only": message_id}
    rows = sql.rows(
        f"SELECT m.id, m.ticket_id FROM message m WHERE {where} AND m.kind = 'reply' AND m.channel IN ({channels})"
        " AND m.delivery_status = 'pending' AND NOT EXISTS (SELECT 1 FROM email_outbound o WHERE o.message_id = m.id)"
        " ORDER BY m.id", params,
    )
    now = sql.time(utcnow())
    for reply_id, ticket_id in rows:
        route = _route(sql, int(ticket_id))
        if isinstance(route, str):
            sql.run("UPDATE message SET delivery_status = 'failed' WHERE id = :id", {"id": reply_id})
            history.record(db, int(ticket_id), "delivery_failed", None,
                           data={"message_id": reply_id, "reason": route, "error": NOT_SENT_REASONS[route]})
            continue
        sql.run(
            "INSERT INTO email_outbound (kind, ticket_id, message_id, mailbox_id, header_message_id, to_address,"
            " subject, body_text, status, attempts, next_attempt_at, created_at) VALUES ('reply', :t, :msg, :m, :h,"
            " :to, '', '', 'pending', 0, :now, :now) ON CONFLICT (message_id) DO NOTHING",
            {"t": ticket_id, "msg": reply_id, "m": route[0], "h": new_message_id(settings, int(ticket_id)),
             "to": route[1], "now": now},
        )
    return len(rows)


def customer_language(sql: Raw, ticket_id: int) -> str:
    """'ru' or 'en' for mail to a ticket's customer: the contact's language when known, else the language the
    customer wrote the ticket in."""
    row = sql.one("SELECT c.language FROM ticket t JOIN contact c ON c.id = t.contact_id WHERE t.id = :t",
                  {"t": ticket_id})
    if row is not None and row[0]:
        return "ru" if str(row[0]).lower().startswith("ru") else "en"
    first = sql.one("SELECT t.subject, m.body_text FROM ticket t LEFT JOIN message m ON m.ticket_id = t.id"
                    " AND m.kind = 'inbound' WHERE t.id = :t ORDER BY m.id LIMIT 1", {"t": ticket_id})
    return written_in(f"{first[0]}\n{first[1] or ''}" if first is not None else "")


def written_in(sample: str) -> str:
    """'ru' when a text is mostly Cyrillic, else 'en' (the language of mail to a customer whose own is unknown)."""
    sample = sample[:4000]
    letters = len(_LETTER.findall(sample))
    return "ru" if letters and len(_CYRILLIC.findall(sample)) / letters > 0.3 else "en"


LINK_LINE = {  # under a reply on a ticket that did not come by e-mail and under portal mail (portal/mail.py)
    "en": "\nFollow the conversation, reply and add files through your private link (do not share it):\n{link}\n",
    "ru": "\nСледить за перепиской, отвечать и добавлять файлы можно по личной ссылке (не пересылайте её):\n{link}\n",
}


def portal_link_text(settings: Settings, ticket: Ticket, language: str) -> str:
    """The paragraph under a reply on a ticket that did not come by e-mail: the customer's private link, in their
    language."""
    link = settings.base_url.rstrip("/") + "/portal/t/" + ticket_link_token(
        settings, ticket_id=ticket.id, contact_id=ticket.contact_id)
    return "\n\n--" + LINK_LINE["ru" if language == "ru" else "en"].format(link=link)


def _conversation_ids(sql: Raw, ticket_id: int, outbound_id: int) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References): the customer's latest mail and the thread so far, oldest first."""
    received = sql.rows("SELECT header_message_id, received_at FROM raw_email WHERE ticket_id = :t"
                        " AND status <> 'bounce' AND header_message_id IS NOT NULL ORDER BY id", {"t": ticket_id})
    ours = sql.rows("SELECT header_message_id, created_at FROM email_outbound WHERE ticket_id = :t AND id < :id"
                    " AND status = 'sent' ORDER BY id", {"t": ticket_id, "id": outbound_id})
    timeline = [(sql.read_time(t), str(h)) for h, t in [*ours, *received]]
    timeline.sort(key=lambda pair: pair[0] or utcnow())
    references = list(dict.fromkeys(h for _, h in timeline))[-20:]
    return (str(received[-1][0]) if received else None), references


def _attachments(db: Session, settings: Settings, message_id: int) -> list[tuple[str, str, bytes]]:
    rows = db.scalars(select(Attachment).where(Attachment.message_id == message_id).order_by(Attachment.id))
    return [(a.filename, a.content_type, blob_path(settings.data_dir, a.sha256).read_bytes()) for a in rows]


def _server(mailbox: Mailbox) -> SmtpServer:
    if not mailbox.smtp_host or not mailbox.smtp_port:
        raise TemporaryFailure(f"mailbox '{mailbox.name}' has no SMTP server configured")
    return SmtpServer(mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security, mailbox.smtp_user,
                      mailbox.smtp_password)


def prepare(db: Session, settings: Settings, outbound_id: int) -> Prepared:
    sql = Raw(db)
    row = sql.one("SELECT kind, ticket_id, message_id, mailbox_id, header_message_id, to_address, subject, body_text"
                  " FROM email_outbound WHERE id = :id", {"id": outbound_id})
    if row is None:
        raise CannotSend(f"no outbound mail {outbound_id}")
    kind, ticket_id, message_id, mailbox_id, header_id, to, subject, body = row
    mailbox, ticket = db.get(Mailbox, mailbox_id), db.get(Ticket, ticket_id)
    if mailbox is None or ticket is None:
        raise CannotSend("the mailbox or ticket no longer exists")
    unconfirmed = unconfirmed_address(sql, ticket.id)
    if unconfirmed is not None and unconfirmed == str(to).strip().lower():
        raise CannotSend(refusal(unconfirmed))
    number = f"{settings.ticket_prefix}-{ticket.id}"
    in_reply_to, references = _conversation_ids(sql, ticket.id, outbound_id)
    mail = OutgoingMail(
        from_address=mailbox.address, from_name=mailbox.display_name, to=[to], subject=subject, text=body,
        message_id=header_id, reply_to=reply_address(settings, mailbox.address, ticket.id) if mailbox.reply_token
        else mailbox.address, in_reply_to=in_reply_to, references=references,
        automatic=kind == OutboundKind.auto_ack,
    )
    if kind == OutboundKind.reply:
        message = db.get(Message, message_id)
        if message is None:
            raise CannotSend("the reply was deleted")
        mail.subject = f"Re: {strip_reply_prefixes(ticket.subject)} [{number}]"
        mail.text, mail.html_body = message.body_text, message.body_html
        if ticket.channel != "email":
            footer = portal_link_text(settings, ticket, customer_language(sql, ticket.id))
            mail.text = mail.text.rstrip("\n") + footer
            if mail.html_body:
                mail.html_body += text_to_html(footer.strip())
        mail.cc = [str(r[0]) for r in sql.rows("SELECT address FROM ticket_cc WHERE ticket_id = :t ORDER BY address",
                                               {"t": ticket.id}) if str(r[0]) != to]
        mail.attachments = _attachments(db, settings, message.id)
    envelope = verp_address(mailbox.verp_address, header_id) if mailbox.verp_address else mailbox.address
    return Prepared(_server(mailbox), compose(mail), envelope, [to, *mail.cc])

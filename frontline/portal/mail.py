"""Mail the portal sends: the confirmation of a web-form request (through the email channel's outbound queue)
and one-time login codes (sent at once and never stored, so the code exists at rest only as its HMAC)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.channels.email.compose_reply import LINK_LINE
from frontline.channels.email.models import Mailbox
from frontline.channels.email.outbound import render
from frontline.channels.email.smtp import (
    OutgoingMail,
    PermanentFailure,
    SmtpServer,
    TemporaryFailure,
    compose,
    send,
)
from frontline.channels.email.thread_match import message_id_domain, new_message_id
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.settings import Settings
from frontline.tickets import history

log = logging.getLogger(__name__)

CODE_SUBJECT = {"en": "Your sign-in code: {code}", "ru": "Код для входа: {code}"}
CODE_BODY = {
    "en": "Hello,\n\nyour code to sign in to the support portal is {code}.\nIt works once, for {minutes} minutes. "
          "If you did not ask for it, ignore this message.\n",
    "ru": "Здравствуйте!\n\nВаш код для входа на портал поддержки: {code}.\nОн действует один раз, {minutes} минут. "
          "Если вы его не запрашивали, просто проигнорируйте это письмо.\n",
}


def outbound_mailbox(db: Session, *, team_id: int | None = None, acknowledging: bool = False) -> Mailbox | None:
    """The active mailbox with an SMTP server to send from: the team's own first, else the oldest one.
    `acknowledging` also requires the mailbox's auto-acknowledgement switch to be on."""
    query = select(Mailbox).where(Mailbox.is_active.is_(True), Mailbox.smtp_host.is_not(None),
                                  Mailbox.smtp_host != "")
    if acknowledging:
        query = query.where(Mailbox.auto_ack.is_(True))
    boxes = db.scalars(query.order_by(Mailbox.id)).all()
    own = [m for m in boxes if team_id is not None and m.team_id == team_id]
    chosen = own or list(boxes)
    return chosen[0] if chosen else None


def _server(mailbox: Mailbox) -> SmtpServer:
    return SmtpServer(mailbox.smtp_host or "", mailbox.smtp_port or 25, mailbox.smtp_security, mailbox.smtp_user,
                      mailbox.smtp_password)


def queue_confirmation(db: Session, settings: Settings, *, ticket_id: int, team_id: int | None, to: str, name: str,
                       subject: str, link: str, language: str) -> int | None:
    """Queue the mail with the ticket number and the private link; the outbound id, or None when no mailbox
    can send it or the address already got its share of automatic mail this hour (the flood limit of acks)."""
    mailbox = outbound_mailbox(db, team_id=team_id, acknowledging=True)
    if mailbox is None:
        return None
    sql = Raw(db)
    since = sql.time(utcnow() - timedelta(minutes=settings.email_auto_reply_window_minutes))
    recent = int(sql.value("SELECT COUNT(*) FROM email_outbound WHERE to_address = :a AND kind = 'auto_ack'"
                           " AND created_at >= :since", {"a": to, "since": since}))
    if recent >= settings.email_auto_reply_limit:
        history.record(db, ticket_id, "auto_ack_skipped", None, data={"to": to, "reason": "rate limit"})
        return None
    language = "ru" if language == "ru" else "en"
    number = f"{settings.ticket_prefix}-{ticket_id}"
    values = {"number": number, "name": name or to, "subject": subject, "link": link}
    mail_subject = render(getattr(mailbox, f"auto_ack_subject_{language}"), **values)
    if f"[{number}]" not in mail_subject:
        mail_subject = f"{mail_subject} [{number}]"
    template = getattr(mailbox, f"auto_ack_body_{language}")
    body = render(template, **values)
    if "{link}" not in template:
        body = body.rstrip("\n") + "\n" + LINK_LINE[language].format(link=link)
    now = sql.time(utcnow())
    row = sql.one(
        "INSERT INTO email_outbound (kind, ticket_id, mailbox_id, header_message_id, to_address, subject, body_text,"
        " status, attempts, next_attempt_at, created_at) VALUES ('auto_ack', :t, :m, :h, :to, :s, :b, 'pending', 0,"
        " :now, :now) RETURNING id",
        {"t": ticket_id, "m": mailbox.id, "h": new_message_id(settings, ticket_id), "to": to, "s": mail_subject,
         "b": body, "now": now},
    )
    assert row is not None
    history.record(db, ticket_id, "auto_ack", None, data={"to": to, "language": language, "via": "portal"})
    return int(row[0])


@dataclass(frozen=True)
class CodeMail:
    """A login code to mail after the response (composed there too, so a known address costs the request no
    more than an unknown one)."""

    server: SmtpServer
    from_address: str
    from_name: str
    to: str
    code: str
    minutes: int
    language: str

    def __repr__(self) -> str:  # keep the code out of logs and tracebacks
        return f"CodeMail(to={self.to!r})"


def code_mail(mailbox: Mailbox, *, to: str, code: str, minutes: int, language: str) -> CodeMail:
    return CodeMail(_server(mailbox), mailbox.address, mailbox.display_name, to, code, minutes,
                    "ru" if language == "ru" else "en")


def compose_code_mail(settings: Settings, mail: CodeMail) -> EmailMessage:
    message = compose(OutgoingMail(
        from_address=mail.from_address, from_name=mail.from_name, to=[mail.to],
        subject=CODE_SUBJECT[mail.language].format(code=mail.code),
        text=CODE_BODY[mail.language].format(code=mail.code, minutes=mail.minutes),
        message_id=make_msgid(domain=message_id_domain(settings)), automatic=True,
    ))
    message.replace_header("Auto-Submitted", "auto-generated")
    return message


def send_code_mail(settings: Settings, mail: CodeMail) -> bool:
    """Send now (after the response went out). A failure is logged: the customer simply asks for a new code."""
    try:
        send(mail.server, settings, compose_code_mail(settings, mail), mail.from_address, [mail.to])
    except (TemporaryFailure, PermanentFailure) as error:
        log.warning("portal login code to %s not sent: %s", mail.to, error)
        return False
    return True


@dataclass(frozen=True)
class NoticeMail:
    """A short automatic message to a customer (e.g. "confirm this new address"), sent after the response."""

    server: SmtpServer
    from_address: str
    from_name: str
    to: str
    subject: str
    text: str


def notice_mail(mailbox: Mailbox, *, to: str, subject: str, text: str) -> NoticeMail:
    return NoticeMail(_server(mailbox), mailbox.address, mailbox.display_name, to, subject, text)


def send_notice(settings: Settings, mail: NoticeMail) -> bool:
    message = compose(OutgoingMail(
        from_address=mail.from_address, from_name=mail.from_name, to=[mail.to], subject=mail.subject,
        text=mail.text, message_id=make_msgid(domain=message_id_domain(settings)), automatic=True,
    ))
    message.replace_header("Auto-Submitted", "auto-generated")
    try:
        send(mail.server, settings, message, mail.from_address, [mail.to])
    except (TemporaryFailure, PermanentFailure) as error:
        log.warning("notice to %s not sent: %s", mail.to, error)
        return False
    return True

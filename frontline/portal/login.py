"""Portal login by e-mailed one-time code, and the customer sessions it opens.

A code is six random digits, valid for CODE_TTL and once. Only its HMAC (keyed with the secret key) is
stored; it is compared in constant time. Asking for a code answers the same whether or not the address
belongs to a customer (for an unknown address a code row is stored but nothing is sent, and no code can
ever open a session without a contact). Requests are limited per address and per IP; wrong codes are
counted per address and per IP, and a code dies after MAX_ATTEMPTS wrong tries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts.models import Contact, ContactIdentity
from frontline.kit.db import utcnow
from frontline.kit.errors import NotFound
from frontline.kit.settings import Settings
from frontline.portal.mail import CodeMail, code_mail, outbound_mailbox
from frontline.portal.models import PortalLoginCode, PortalLoginFailure, PortalSession
from frontline.tickets.models import Ticket

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
REQUEST_WINDOW = timedelta(minutes=15)
REQUESTS_PER_EMAIL = 3
REQUESTS_PER_IP = 10
FAILURE_WINDOW = timedelta(minutes=15)
FAILURES_PER_EMAIL = 10
FAILURES_PER_IP = 30
SESSION_TTL = timedelta(hours=24)
MAX_LISTED = 200


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _code_hash(settings: Settings, email: str, code: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"portal-code:{email}:{code}".encode(), hashlib.sha256).hexdigest()


def _session_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class CodeRequest:
    status: str  # "sent" (or pretended to be) | "throttled" | "no_mailbox"
    mail: CodeMail | None = None


def _contact_id(db: Session, email: str) -> int | None:
    """The contact whose confirmed address this is (an address an agent added opens nothing until confirmed)."""
    return db.scalar(select(ContactIdentity.contact_id).where(ContactIdentity.kind == "email",
                                                              ContactIdentity.value == email,
                                                              ContactIdentity.pending_since.is_(None)))


def request_code(db: Session, settings: Settings, *, email: str, ip: str | None, language: str) -> CodeRequest:
    """Issue a code for `email`. The caller sends `mail` after the response, so known and unknown
    addresses look the same from outside (the reply does not wait for the mail server)."""
    email = normalise_email(email)
    now = utcnow()
    since = now - REQUEST_WINDOW
    by_email = db.scalar(select(func.count()).select_from(PortalLoginCode)
                         .where(PortalLoginCode.email == email, PortalLoginCode.created_at >= since)) or 0
    by_ip = db.scalar(select(func.count()).select_from(PortalLoginCode)
                      .where(PortalLoginCode.ip == ip, PortalLoginCode.created_at >= since)) or 0
    if by_email >= REQUESTS_PER_EMAIL or by_ip >= REQUESTS_PER_IP:
        return CodeRequest("throttled")
    mailbox = outbound_mailbox(db)
    if mailbox is None:
        return CodeRequest("no_mailbox")
    contact_id = _contact_id(db, email)
    code = f"{secrets.randbelow(10**6):06d}"
    db.execute(update(PortalLoginCode).where(PortalLoginCode.email == email, PortalLoginCode.used_at.is_(None))
               .values(used_at=now))  # a new code replaces the older ones
    db.add(PortalLoginCode(email=email, contact_id=contact_id, code_hash=_code_hash(settings, email, code), ip=ip,
                           created_at=now, expires_at=now + CODE_TTL))
    db.flush()
    if contact_id is None:
        return CodeRequest("sent")
    minutes = int(CODE_TTL.total_seconds() // 60)
    return CodeRequest("sent", code_mail(mailbox, to=email, code=code, minutes=minutes, language=language))


@dataclass
class CodeCheck:
    secret: str | None = None  # the new session's cookie value when the code was right
    error: str | None = None  # "throttled" | "wrong"


def verify_code(db: Session, settings: Settings, *, email: str, code: str, ip: str | None) -> CodeCheck:
    """Check a code and open a session. Returns the failure instead of raising it, so the caller commits
    the recorded attempt (a raise would roll back the row that makes the limit work)."""
    email = normalise_email(email)
    now = utcnow()
    since = now - FAILURE_WINDOW
    failures_email = db.scalar(select(func.count()).select_from(PortalLoginFailure)
                               .where(PortalLoginFailure.email == email, PortalLoginFailure.created_at >= since)) or 0
    failures_ip = db.scalar(select(func.count()).select_from(PortalLoginFailure)
                            .where(PortalLoginFailure.ip == ip, PortalLoginFailure.created_at >= since)) or 0
    if failures_email >= FAILURES_PER_EMAIL or failures_ip >= FAILURES_PER_IP:
        return CodeCheck(error="throttled")
    row = db.scalar(select(PortalLoginCode).where(PortalLoginCode.email == email, PortalLoginCode.used_at.is_(None),
                                                  PortalLoginCode.expires_at > now)
                    .order_by(PortalLoginCode.id.desc()).limit(1))
    given = _code_hash(settings, email, "".join(code.split()))
    expected = row.code_hash if row is not None else _code_hash(settings, email, "no code")
    matches = hmac.compare_digest(given, expected)
    if not matches or row is None or row.contact_id is None:
        db.add(PortalLoginFailure(email=email, ip=ip, created_at=now))
        if row is not None:
            row.attempts += 1
            if row.attempts >= MAX_ATTEMPTS:
                row.used_at = now
        db.flush()
        return CodeCheck(error="wrong")
    # single use even when two requests bring the same code at once: only one UPDATE finds it unused
    claimed = db.execute(update(PortalLoginCode).where(PortalLoginCode.id == row.id, PortalLoginCode.used_at.is_(None))
                         .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return CodeCheck(error="wrong")
    secret = secrets.token_urlsafe(32)
    db.add(PortalSession(token_hash=_session_hash(secret), contact_id=row.contact_id, created_at=now,
                         expires_at=now + SESSION_TTL))
    db.flush()
    return CodeCheck(secret=secret)


def session_contact(db: Session, secret: str | None) -> int | None:
    """The contact behind a portal session cookie, or None when it is missing, expired or ended."""
    if not secret:
        return None
    row = db.execute(select(PortalSession.contact_id, PortalSession.expires_at, PortalSession.revoked_at)
                     .where(PortalSession.token_hash == _session_hash(secret))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return int(row.contact_id)


def end_session(db: Session, secret: str | None) -> None:
    if secret:
        db.execute(update(PortalSession).where(PortalSession.token_hash == _session_hash(secret),
                                               PortalSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def end_contact_sessions(db: Session, contact_id: int) -> None:
    """Sign the contact out of the portal everywhere (their links were revoked)."""
    db.execute(update(PortalSession).where(PortalSession.contact_id == contact_id, PortalSession.revoked_at.is_(None))
               .values(revoked_at=utcnow()))


def contact_tickets(db: Session, contact_id: int) -> Sequence[Ticket]:
    """The contact's own tickets, newest first."""
    return db.scalars(select(Ticket).where(Ticket.contact_id == contact_id).order_by(Ticket.id.desc())
                      .limit(MAX_LISTED)).all()


def contact_name(db: Session, contact_id: int) -> str:
    contact = db.get(Contact, contact_id)
    return contact.name if contact is not None else ""


def ticket_principal(db: Session, contact_id: int, ref: int) -> Principal:
    """A customer principal for one of the contact's own tickets; another's ticket is a 404 like a missing one."""
    owner = db.scalar(select(Ticket.contact_id).where(Ticket.id == ref))
    if owner is None or owner != contact_id:
        raise NotFound(f"No ticket {ref}.")
    return Principal(scopes=frozenset(), contact_id=contact_id, ticket_id=ref)


KEEP = timedelta(days=1)


def purge(db: Session) -> int:
    """Forget codes, failures and sessions that ended more than KEEP ago (the limits look back minutes)."""
    before = utcnow() - KEEP
    removed = 0
    for statement in (delete(PortalLoginCode).where(PortalLoginCode.expires_at < before),
                      delete(PortalLoginFailure).where(PortalLoginFailure.created_at < before),
                      delete(PortalSession).where(PortalSession.expires_at < before)):
        removed += db.execute(statement).rowcount  # type: ignore[attr-defined]
    return removed

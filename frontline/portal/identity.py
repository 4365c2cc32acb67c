"""Confirming an e-mail address an agent added to a contact.

The link goes to the addresses the contact already had (confirmed ones), not to the new address: an
agent who adds an address of their own to someone else's contact cannot confirm it. Until confirmed,
the address opens no portal session (portal/login.py); it still threads mail and finds the contact.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from frontline.contacts.identities import confirm, confirmed_emails
from frontline.contacts.models import ContactIdentity
from frontline.kit.settings import Settings
from frontline.portal.mail import NoticeMail, notice_mail, outbound_mailbox

SALT = "frontline.identity-confirm"
MAX_AGE_SECONDS = 7 * 86400
SUBJECT = "Confirm a new e-mail address for your support account"
TEXT = ("Hello,\n\nthe support team added the address {address} to your account. Once confirmed, it can be used "
        "to sign in to the support portal and see your requests.\n\nIf this is your address, confirm it here "
        "(valid for 7 days):\n{link}\n\nIf it is not yours, ignore this message and nothing changes.\n")


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=SALT)


def confirmation_link(settings: Settings, identity: ContactIdentity) -> str:
    token = _serializer(settings).dumps([identity.id, identity.value])
    return f"{settings.base_url.rstrip('/')}/portal/identity/{token}"


def confirmation_mails(db: Session, settings: Settings, contact_id: int,
                       pending: list[ContactIdentity]) -> list[NoticeMail]:
    """One mail per (new address, address the contact already had); nothing when no mailbox can send."""
    mailbox = outbound_mailbox(db)
    if mailbox is None or not pending:
        return []
    known = [a for a in confirmed_emails(db, contact_id) if a not in {p.value for p in pending}]
    return [notice_mail(mailbox, to=to, subject=SUBJECT, text=TEXT.format(address=p.value,
                                                                      link=confirmation_link(settings, p)))
            for p in pending for to in known]


def read_token(settings: Settings, token: str) -> tuple[int, str] | None:
    try:
        identity_id, value = _serializer(settings).loads(token, max_age=MAX_AGE_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    return (int(identity_id), str(value)) if isinstance(identity_id, int) else None


def confirm_token(db: Session, settings: Settings, token: str) -> str | None:
    """Confirm the address the link names; the address, or None for a bad, expired or used link."""
    found = read_token(settings, token)
    if found is None or not confirm(db, *found):
        return None
    return found[1]

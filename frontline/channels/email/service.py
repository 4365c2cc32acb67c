"""Mailbox configuration: create, change, list. Passwords are stored as given and never shown again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontline.accounts import audit
from frontline.accounts.auth import issue_token
from frontline.accounts.models import ApiToken, Team, User
from frontline.accounts.principal import INTAKE_SCOPE, Principal
from frontline.channels.email.models import Mailbox, MailboxToken, Security
from frontline.channels.email.schemas import MailboxCreate, MailboxFields, MailboxOut, MailboxUpdate
from frontline.kit.errors import Conflict, Forbidden, InvalidInput, NotFound

DEFAULT_ACK = {
    "auto_ack_subject_en": "We received your request [{number}]",
    "auto_ack_body_en": (
        "Hello {name},\n\nthank you for writing to us. Your request has the number {number}; we will answer "
        "as soon as we can. Please keep the number in the subject when you write about this request.\n\n"
        "Subject: {subject}\n"
    ),
    "auto_ack_subject_ru": "Ваше обращение получено [{number}]",
    "auto_ack_body_ru": (
        "Здравствуйте, {name}!\n\nСпасибо за обращение. Ему присвоен номер {number}; мы ответим, как только "
        "сможем. Пожалуйста, сохраняйте номер в теме письма, когда пишете по этому вопросу.\n\n"
        "Тема: {subject}\n"
    ),
}
DEFAULT_PORTS = {("imap", Security.ssl): 993, ("imap", Security.starttls): 143, ("imap", Security.none): 143,
                 ("smtp", Security.ssl): 465, ("smtp", Security.starttls): 587, ("smtp", Security.none): 25}


def _values(data: MailboxFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in data.model_fields_set:
        value = getattr(data, field)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif field == "fallback_charsets" and value is not None:
            value = ", ".join(value)
        elif hasattr(value, "value"):
            value = value.value
        values[field] = value
    return values


def _check(db: Session, values: dict[str, Any]) -> None:
    team_id = values.get("team_id")
    if team_id is not None and db.get(Team, team_id) is None:
        raise InvalidInput(f"No team with id {team_id}.")
    for kind in ("imap", "smtp"):
        if values.get(f"{kind}_host") and not values.get(f"{kind}_port"):
            values[f"{kind}_port"] = DEFAULT_PORTS[(kind, Security(values.get(f"{kind}_security") or "ssl"))]


def create_mailbox(db: Session, data: MailboxCreate) -> Mailbox:
    values = {**DEFAULT_ACK, **{k: v for k, v in _values(data).items() if v is not None}}
    values.setdefault("imap_security", Security.ssl.value)
    values.setdefault("smtp_security", Security.starttls.value)
    _check(db, values)
    mailbox = Mailbox(**values)
    db.add(mailbox)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise Conflict(f"A mailbox named '{data.name}' already exists.") from exc
    return mailbox


def update_mailbox(db: Session, mailbox: Mailbox, data: MailboxUpdate) -> Mailbox:
    values = _values(data)
    nullable = {"team_id", "default_line", "imap_host", "imap_port", "imap_user", "imap_password", "imap_move_to",
                "smtp_host", "smtp_port", "smtp_user", "smtp_password", "verp_address"}
    bad = sorted(k for k, v in values.items() if v is None and k not in nullable)
    if bad:
        raise InvalidInput(f"'{bad[0]}' cannot be null.")
    merged = {c: getattr(mailbox, c) for c in ("imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port",
                                                 "smtp_security")}
    merged.update(values)
    _check(db, merged)
    for field, value in {**values, **{k: merged[k] for k in ("imap_port", "smtp_port")}}.items():
        setattr(mailbox, field, value)
    db.flush()
    return mailbox


def get_mailbox(db: Session, name: str) -> Mailbox:
    mailbox = db.scalar(select(Mailbox).where(Mailbox.name == name))
    if mailbox is None:
        raise NotFound(f"No mailbox named '{name}'.")
    return mailbox


def list_mailboxes(db: Session, *, active_only: bool = False) -> Sequence[Mailbox]:
    query = select(Mailbox).order_by(Mailbox.name)
    if active_only:
        query = query.where(Mailbox.is_active.is_(True))
    return db.scalars(query).all()


def mailbox_out(mailbox: Mailbox) -> MailboxOut:
    fields = {name: getattr(mailbox, name) for name in MailboxOut.model_fields
              if name not in ("imap_password_set", "smtp_password_set", "fallback_charsets")}
    fields["fallback_charsets"] = [label.strip() for label in (mailbox.fallback_charsets or "").split(",")
                                   if label.strip()]
    return MailboxOut(**fields, imap_password_set=bool(mailbox.imap_password),
                      smtp_password_set=bool(mailbox.smtp_password))


def create_intake_token(db: Session, mailbox: Mailbox, name: str, actor: Principal) -> tuple[ApiToken, str]:
    """An integration token bound to `mailbox`: scope `intake` only, so it can do nothing else."""
    user = db.get(User, actor.user_id)
    if user is None:
        raise NotFound("The calling agent no longer exists.")
    token, secret = issue_token(db, user, name=name, scopes=[INTAKE_SCOPE])
    db.add(MailboxToken(token_id=token.id, mailbox_id=mailbox.id))
    audit.record(db, "token.intake_created", actor_user_id=actor.user_id, target=f"token:{token.id}",
                 mailbox=mailbox.name)
    db.flush()
    return token, secret


def intake_mailbox(db: Session, caller: Principal, name: str) -> int:
    """The id of the mailbox an integration token may deliver to, checked: its own, and active."""
    if INTAKE_SCOPE not in caller.scopes or caller.token_id is None:
        raise Forbidden("Raw mail needs an integration token of the mailbox (POST /mailboxes/{name}/tokens).")
    row = db.execute(select(Mailbox.id, Mailbox.is_active).join(MailboxToken, MailboxToken.mailbox_id == Mailbox.id)
                     .where(Mailbox.name == name, MailboxToken.token_id == caller.token_id)).first()
    if row is None:  # another mailbox's, or no such mailbox: the same answer
        raise NotFound(f"No mailbox named '{name}' for this token.")
    if not row.is_active:
        raise Conflict(f"The mailbox '{name}' is inactive and accepts no mail.")
    return int(row.id)

"""Tickets: change fields (with history), merge. Creation lives in create.py. Services flush; the boundary commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts.models import Contact
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.tickets import history, hooks, labels
from frontline.tickets.models import Attachment, Message, Priority, Status, Ticket, TicketEvent
from frontline.tickets.schemas import TicketUpdate
from frontline.tickets.status import apply_status


def team_line(raw: Raw, team_id: int) -> str | None:
    """The team's line; InvalidInput when there is no such team. The one team check of ticket creation, ticket
    updates and rule actions."""
    row = raw.one("SELECT line FROM team WHERE id = :id", {"id": team_id})
    if row is None:
        raise InvalidInput(f"No team with id {team_id}.")
    return str(row[0]) if row[0] else None


def check_assignee(raw: Raw, user_id: int | None) -> None:
    """A ticket's assignee must be an active user (None: unassigned). The one assignee check of creation and
    updates."""
    if user_id is None:
        return
    row = raw.one("SELECT is_active FROM user_account WHERE id = :id", {"id": user_id})
    if row is None or not row[0]:
        raise InvalidInput(f"No active agent with id {user_id}.")


def _set_field(db: Session, ticket: Ticket, field: str, value: Any, actor: Principal | None) -> bool:
    old = getattr(ticket, field)
    if old == value:
        return False
    setattr(ticket, field, value)
    history.record(db, ticket.id, "changed", actor, field=field, old=old, new=value)
    return True


def set_status(db: Session, ticket: Ticket, status: str, actor: Principal | None) -> bool:
    old = ticket.status
    if old == status:
        return False
    reopened = apply_status(ticket, status, utcnow())
    history.record(db, ticket.id, "reopened" if reopened else "changed", actor, field="status", old=old, new=status)
    ticket.updated_at = utcnow()
    db.flush()
    hooks.emit(db, hooks.TicketEvent("status", ticket.id, actor, fields=("status",)))
    return True


def update_ticket(db: Session, ticket: Ticket, data: TicketUpdate, actor: Principal | None) -> Ticket:
    """Apply the fields present in `data`, recording one history entry per field that changed."""
    fields = data.model_fields_set
    if "status" in fields and data.status is None:
        raise InvalidInput("'status' cannot be null.")
    changed = False
    if "subject" in fields and data.subject is not None:
        changed |= _set_field(db, ticket, "subject", data.subject, actor)
    if "priority" in fields:
        if data.priority is None:
            raise InvalidInput("'priority' cannot be null.")
        changed |= _set_field(db, ticket, "priority", int(Priority[data.priority]), actor)
    if "team_id" in fields:
        line = team_line(Raw(db), data.team_id) if data.team_id is not None else None
        moved = _set_field(db, ticket, "team_id", data.team_id, actor)
        changed |= moved
        if moved and line is not None and "line" not in fields:  # a team change takes the team's line
            _set_field(db, ticket, "line", line, actor)
    if "line" in fields:
        changed |= _set_field(db, ticket, "line", data.line, actor)
    if "assignee_id" in fields:
        check_assignee(Raw(db), data.assignee_id)
        changed |= _set_field(db, ticket, "assignee_id", data.assignee_id, actor)
    if "contact_id" in fields:
        contact = db.get(Contact, data.contact_id) if data.contact_id is not None else None
        if data.contact_id is not None and contact is None:
            raise InvalidInput(f"No contact with id {data.contact_id}.")
        changed |= _set_field(db, ticket, "contact_id", data.contact_id, actor)
        if contact is not None:
            _set_field(db, ticket, "organisation_id", contact.organisation_id, actor)
    if "category" in fields:
        changed |= _change_category(db, ticket, data.category, actor)
    if "tags" in fields:
        changed |= _change_tags(db, ticket, data.tags or [], actor)
    if "status" in fields and data.status is not None:
        changed |= set_status(db, ticket, data.status, actor)
    if changed:
        ticket.updated_at = utcnow()
        db.flush()
        hooks.emit(db, hooks.TicketEvent("updated", ticket.id, actor, fields=tuple(sorted(fields))))
    db.flush()
    return ticket


def _change_category(db: Session, ticket: Ticket, name: str | None, actor: Principal | None) -> bool:
    new_id = labels.category_id(db, name)
    if new_id == ticket.category_id:
        return False
    old_name = labels.category_names(db, [ticket.category_id]).get(ticket.category_id or 0)
    ticket.category_id = new_id
    history.record(db, ticket.id, "changed", actor, field="category", old=old_name, new=name or None)
    return True


def _change_tags(db: Session, ticket: Ticket, names: list[str], actor: Principal | None) -> bool:
    new = labels.clean_tags(names)
    old = labels.tags_of(db, [ticket.id])[ticket.id]
    if sorted(old) == sorted(new):
        return False
    labels.set_tags(db, ticket.id, new)
    history.record(db, ticket.id, "changed", actor, field="tags", old=old, new=new)
    return True


def merge_tickets(db: Session, source: Ticket, target: Ticket, actor: Principal | None) -> Ticket:
    """Move the conversation and history of `source` into `target`; `source` closes, pointing to it."""
    if source.id == target.id:
        raise InvalidInput("A ticket cannot be merged into itself.")
    if source.merged_into_id is not None:
        raise InvalidInput(f"Ticket {source.id} is already merged into {source.merged_into_id}.")
    if target.merged_into_id is not None or target.status == Status.closed:
        raise InvalidInput("The surviving ticket must not be closed or merged itself.")
    for model in (Message, Attachment, TicketEvent):
        db.execute(update(model).where(model.ticket_id == source.id).values(ticket_id=target.id))
    tags = labels.tags_of(db, [source.id, target.id])
    labels.set_tags(db, target.id, sorted(set(tags[source.id]) | set(tags[target.id])))
    now = utcnow()
    source.merged_into_id = target.id
    source.status = Status.closed
    source.closed_at = now
    source.updated_at = target.updated_at = now
    history.record(db, target.id, "merged", actor, data={"from": source.id})
    history.record(db, source.id, "merged", actor, field="merged_into", old=None, new=target.id)
    db.flush()
    hooks.emit(db, hooks.TicketEvent("status", source.id, actor, fields=("status", "merged_into")))  # SLA stops
    return target

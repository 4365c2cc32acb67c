"""Opening a ticket: the desk's hottest write path, in plain SQL (see frontline/kit/rawsql.py).

One call resolves the customer, checks team and assignee, and inserts the ticket, its tags, the
customer's first message and the history entry: all in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.contacts.service import contact_for_email
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.tickets import history, hooks
from frontline.tickets.labels import clean_tags, named_id
from frontline.tickets.models import Priority
from frontline.tickets.rows import TicketRow
from frontline.tickets.sanitize import clean_html
from frontline.tickets.schemas import TicketCreate
from frontline.tickets.service import check_assignee, team_line


def _customer(raw: Raw, data: TicketCreate, now: datetime) -> tuple[int | None, int | None]:
    """(contact id, organisation id) of the ticket's customer, creating the contact on first contact."""
    if data.contact_id is not None:
        row = raw.one("SELECT organisation_id FROM contact WHERE id = :id", {"id": data.contact_id})
        if row is None:
            raise InvalidInput(f"No contact with id {data.contact_id}.")
        return data.contact_id, row[0]
    if data.customer is None:
        return None, None
    contact = contact_for_email(raw, data.customer.email, name=data.customer.name, now=now)
    return contact.id, contact.organisation_id


def _category(raw: Raw, name: str | None) -> int | None:
    if not name:
        return None
    return named_id(raw, "category", name)


def _tags(raw: Raw, ticket_id: int, names: list[str]) -> None:
    for name in names:
        tag_id = named_id(raw, "tag", name)
        raw.run("INSERT INTO ticket_tag (ticket_id, tag_id) VALUES (:t, :g)", {"t": ticket_id, "g": tag_id})


def create_ticket(db: Session, actor: Principal | None, data: TicketCreate) -> TicketRow:
    """Open a ticket with the customer's first message. Agents' tickets default to their first team.

    Returns the ticket's row as the `created` listeners (routing, SLA, rules) left it."""
    raw = Raw(db)
    now = utcnow()
    tags = clean_tags(data.tags)
    team_id = data.team_id
    if team_id is None and actor is not None and actor.team_ids:
        team_id = min(actor.team_ids)
    default_line = team_line(raw, team_id) if team_id is not None else None
    check_assignee(raw, data.assignee_id)
    contact_id, org_id = _customer(raw, data, now)
    line = data.line.value if data.line else default_line
    category_id = _category(raw, data.category)
    ticket_id = int(raw.value(
        "INSERT INTO ticket (subject, status, priority, channel, category_id, contact_id, organisation_id, team_id,"
        " line, assignee_id, created_by_id, created_at, updated_at, reopen_count) VALUES (:subject, :status,"
        " :priority, :channel, :category, :contact, :org, :team, :line, :assignee, :creator, :now, :now, 0)"
        " RETURNING id",
        {"subject": data.subject, "status": data.status, "priority": int(Priority[data.priority]),
         "channel": data.channel.value, "category": category_id, "contact": contact_id,
         "org": org_id, "team": team_id, "line": line, "assignee": data.assignee_id,
         "creator": actor.user_id if actor else None, "now": raw.time(now)},
    ))
    _tags(raw, ticket_id, tags)
    message_id: int | None = None
    if data.description or data.description_html:
        message_id = int(raw.value(
            "INSERT INTO message (ticket_id, kind, channel, author_contact_id, body_text, body_html, created_at)"
            " VALUES (:t, 'inbound', :channel, :contact, :text, :html, :now) RETURNING id",
            {"t": ticket_id, "channel": data.channel.value, "contact": contact_id, "text": data.description,
             "html": clean_html(data.description_html) if data.description_html else None, "now": raw.time(now)},
        ))
    history.write(raw, [history.entry(ticket_id, "created", actor,
                                      data={"channel": data.channel.value, "status": data.status})], now)
    new = TicketRow(
        id=ticket_id, status=data.status, priority=int(Priority[data.priority]), channel=data.channel.value,
        subject=data.subject, team_id=team_id, line=line, assignee_id=data.assignee_id, category_id=category_id,
        contact_id=contact_id, organisation_id=org_id, created_at=now, updated_at=now,
        category=data.category or None, tags=sorted(tags), message_id=message_id,
    )
    event = hooks.TicketEvent("created", ticket_id, actor, message_id=message_id,
                              text=f"{data.subject}\n{data.description}", ticket=new)
    if hooks.emit(db, event):
        db.flush()
        _reread(raw, new)
    return new


def _reread(raw: Raw, new: TicketRow) -> None:
    """Listeners may have changed the ticket through the ORM too (a rule's status or assignee action): show what
    it is now."""
    row = raw.one(
        "SELECT t.status, t.priority, t.team_id, t.line, t.assignee_id, t.category_id, c.name FROM ticket t"
        " LEFT JOIN category c ON c.id = t.category_id WHERE t.id = :id", {"id": new.id},
    )
    if row is not None:
        new.status, new.priority, new.team_id, new.line, new.assignee_id, new.category_id, new.category = row
    if new.tags is None:  # a rule carried out through the services may have changed them
        new.tags = sorted(str(r[0]) for r in raw.rows(
            "SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id WHERE tt.ticket_id = :t", {"t": new.id}))

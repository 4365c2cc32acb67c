"""Recording the ticket's change history (the audit trail agents and analytics read).

One writer for every path: `write` inserts any number of entries in one plain-SQL statement (the hot paths,
ticket creation, e-mail intake, routing and rules, write several at once); `record` is the one-entry form for
code that holds a session. Both write at once, in the caller's transaction, so an entry's id follows the
order in which the changes happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.tickets.models import Priority

_COLUMNS = "ticket_id, kind, field, old_value, new_value, actor_kind, actor_user_id, actor_contact_id, data, created_at"


def display(field: str, value: Any) -> str | None:
    """How a value appears in history: names, not internal codes."""
    if value is None:
        return None
    if field == "priority":
        return Priority(value).name
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def actor_fields(actor: Principal | None) -> dict[str, Any]:
    if actor is None:
        return {"actor_kind": "system", "actor_user_id": None, "actor_contact_id": None}
    if actor.is_customer:
        return {"actor_kind": "customer", "actor_user_id": None, "actor_contact_id": actor.contact_id}
    return {"actor_kind": "agent", "actor_user_id": actor.user_id, "actor_contact_id": None}


@dataclass(frozen=True, slots=True)
class Entry:
    """One history row, its values as history shows them (see `entry`)."""

    ticket_id: int
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    data: dict[str, Any] | None
    actor_kind: str
    actor_user_id: int | None
    actor_contact_id: int | None


def entry(ticket_id: int, kind: str, actor: Principal | None = None, *, field: str | None = None, old: Any = None,
          new: Any = None, data: dict[str, Any] | None = None) -> Entry:
    """A history entry by `actor` (None: the system); old and new values are shown with `display`."""
    who = actor_fields(actor)
    return Entry(ticket_id, kind, field, display(field or "", old), display(field or "", new), data,
                 who["actor_kind"], who["actor_user_id"], who["actor_contact_id"])


def write(raw: Raw, entries: Sequence[Entry], now: datetime | None = None) -> list[int]:
    """Insert the entries in one statement, stamped `now` (default: the current time); returns their ids."""
    if not entries:
        return []
    cast = raw.json_cast()
    rows, params = [], {"now": raw.time(now or utcnow())}
    for n, e in enumerate(entries):
        rows.append(f"(:t{n}, :k{n}, :f{n}, :o{n}, :v{n}, :a{n}, :u{n}, :c{n}, :d{n}{cast}, :now)")
        params.update({f"t{n}": e.ticket_id, f"k{n}": e.kind, f"f{n}": e.field, f"o{n}": e.old_value,
                       f"v{n}": e.new_value, f"a{n}": e.actor_kind, f"u{n}": e.actor_user_id,
                       f"c{n}": e.actor_contact_id, f"d{n}": None if e.data is None else raw.json(e.data)})
    found = raw.rows(f"INSERT INTO ticket_event ({_COLUMNS}) VALUES {', '.join(rows)} RETURNING id", params)
    return sorted(int(r[0]) for r in found)


def record(
    db: Session,
    ticket_id: int,
    kind: str,
    actor: Principal | None,
    *,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Write one history entry in the session's transaction; returns its id."""
    [entry_id] = write(Raw(db), [entry(ticket_id, kind, actor, field=field, old=old, new=new, data=data)])
    return entry_id

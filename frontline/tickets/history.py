"""Recording the ticket's change history (the audit trail agents and analytics read)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.tickets.models import Priority, TicketEvent


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
) -> None:
    db.add(
        TicketEvent(
            ticket_id=ticket_id,
            kind=kind,
            field=field,
            old_value=display(field or "", old),
            new_value=display(field or "", new),
            data=data,
            **actor_fields(actor),
        )
    )

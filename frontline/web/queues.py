"""The agent's queues: built-in views, saved views, their filters and capped live counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontline.accounts.principal import Principal
from frontline.kit.errors import InvalidInput, NotFound
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.query import TicketFilter, _conditions
from frontline.web.i18n import N_
from frontline.web.models import SavedView

UNSOLVED = [Status.new, Status.open, Status.pending, Status.on_hold]
COUNT_CAP = 1000  # "999+" is all a sidebar needs; counting a million rows exactly is not worth it
FILTER_KEYS = ("status", "priority", "line", "team_id", "assignee", "tag")


@dataclass(frozen=True)
class Queue:
    key: str
    label: str  # an N_() msgid for built-in queues, the user's text for saved views
    builtin: bool = True
    filters: Mapping[str, Any] = field(default_factory=dict)


BUILTIN = (
    Queue("mine", N_("My open tickets")),
    Queue("unassigned", N_("Team unassigned")),
    Queue("l1", N_("Line L1")),
    Queue("l2", N_("Line L2")),
    Queue("l3", N_("Line L3")),
    Queue("pending", N_("Pending customer")),
    Queue("all", N_("All tickets")),
)


def base_filter(key: str, principal: Principal) -> TicketFilter:
    if key == "mine":
        return TicketFilter(status=list(UNSOLVED), assignee="me")
    if key == "unassigned":
        teams = sorted(principal.team_ids)
        return TicketFilter(status=[Status.new, Status.open, Status.on_hold], assignee="none", team_id=teams)
    if key in ("l1", "l2", "l3"):
        return TicketFilter(status=list(UNSOLVED), line=[key.upper()])
    if key == "pending":
        return TicketFilter(status=[Status.pending])
    if key == "all":
        return TicketFilter()
    raise NotFound(f"No queue {key}.")


def apply_params(f: TicketFilter, params: Mapping[str, Any]) -> TicketFilter:
    """Narrow a queue with the filter form's values (an empty value leaves the queue's own filter)."""
    changes: dict[str, Any] = {}
    for key in FILTER_KEYS:
        value = str(params.get(key) or "").strip()
        if not value:
            continue
        if key == "status" and value not in Status.__members__:
            raise InvalidInput(f"Unknown status '{value}'.")
        if key == "priority" and value not in Priority.__members__:
            raise InvalidInput(f"Unknown priority '{value}'.")
        if key == "team_id":
            if not value.isdigit():
                raise InvalidInput("team_id must be a number.")
            changes[key] = [int(value)]
        elif key in ("status", "priority", "line"):
            changes[key] = [value]
        else:
            changes[key] = value
    return replace(f, **changes)


def saved_views(db: Session, user_id: int) -> Sequence[SavedView]:
    return db.scalars(select(SavedView).where(SavedView.owner_user_id == user_id).order_by(SavedView.name)).all()


def resolve(db: Session, principal: Principal, key: str) -> tuple[Queue, TicketFilter]:
    """A queue by key ('mine', 'l2', 'view-7') and its ticket filter."""
    if key.startswith("view-") and key[5:].isdigit():
        view = db.get(SavedView, int(key[5:]))
        if view is None or view.owner_user_id != principal.user_id:
            raise NotFound(f"No queue {key}.")
        return Queue(key, view.name, builtin=False, filters=view.filters), apply_params(TicketFilter(), view.filters)
    for queue in BUILTIN:
        if queue.key == key:
            return queue, base_filter(key, principal)
    raise NotFound(f"No queue {key}.")


def count(db: Session, principal: Principal, f: TicketFilter) -> int:
    """Tickets in a queue, counted up to COUNT_CAP."""
    inner = select(Ticket.id).where(*_conditions(f, principal)).limit(COUNT_CAP).subquery()
    return int(db.scalar(select(func.count()).select_from(inner)) or 0)


def counts(db: Session, principal: Principal) -> dict[str, int]:
    result = {q.key: count(db, principal, base_filter(q.key, principal)) for q in BUILTIN}
    for view in saved_views(db, principal.user_id or 0):
        result[f"view-{view.id}"] = count(db, principal, apply_params(TicketFilter(), view.filters))
    return result


def save_view(db: Session, principal: Principal, name: str, params: Mapping[str, Any]) -> SavedView:
    name = name.strip()[:120]
    if not name:
        raise InvalidInput("Give the view a name.")
    filters = {k: str(params[k]) for k in FILTER_KEYS if params.get(k)}
    apply_params(TicketFilter(), filters)  # validate before storing
    view = SavedView(owner_user_id=principal.user_id, name=name, filters=filters)
    db.add(view)
    db.flush()
    return view

"""Queue pages: ticket lists with sorting, cursor paging, filters, saved views and bulk actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB
from frontline.accounts.models import Team, User
from frontline.accounts.principal import Scope
from frontline.contacts.models import Contact
from frontline.kit.errors import InvalidInput
from frontline.tickets import labels
from frontline.tickets.access import access_ticket
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.query import SORTS, list_tickets
from frontline.tickets.schemas import TicketUpdate
from frontline.tickets.service import update_ticket
from frontline.web import queues
from frontline.web.i18n import N_, _
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 50
SORT_LABELS = {"priority": N_("Priority"), "-created": N_("Newest"), "created": N_("Oldest"),
               "-updated": N_("Recently updated")}


def people(db: Session, tickets: Sequence[Ticket]) -> dict[str, dict[int, str]]:
    """Names for a page of tickets: customers, assignees and teams, one query each."""
    contact_ids = {t.contact_id for t in tickets if t.contact_id}
    user_ids = {t.assignee_id for t in tickets if t.assignee_id}
    contacts = dict(db.execute(select(Contact.id, Contact.name).where(Contact.id.in_(contact_ids))).all()) \
        if contact_ids else {}
    users = dict(db.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    return {"contacts": contacts, "users": users, "teams": team_names(db)}


def team_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Team.id, Team.name).order_by(Team.name)).all())


def nav_context(db: Session, agent: Agent) -> dict[str, Any]:
    return {"builtin": queues.BUILTIN, "views": queues.saved_views(db, agent.id)}


@router.get("/queues/{key}")
def queue_page(request: Request, key: str, db: DB, agent: Agent, sort: str = "priority",
               cursor: str | None = None) -> Response:
    queue, base = queues.resolve(db, agent.principal, key)
    filters = queues.apply_params(base, request.query_params)
    if sort not in SORTS:
        sort = "priority"
    tickets, next_cursor = list_tickets(db, agent.principal, filters, sort=sort, cursor=cursor, limit=PAGE_SIZE)
    params = {k: request.query_params[k] for k in queues.FILTER_KEYS if request.query_params.get(k)}
    next_url = f"/ui/queues/{key}?" + urlencode({**params, "sort": sort, "cursor": next_cursor}) if next_cursor else ""
    context = {
        "queue": queue, "tickets": tickets, "names": people(db, tickets),
        "tags": labels.tags_of(db, [t.id for t in tickets]),
        "sort": sort, "sorts": SORT_LABELS, "next_url": next_url, "params": params, "first_page": cursor is None,
        "statuses": list(Status), "priorities": [p.name for p in Priority], "agents": active_agents(db),
        "back": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        **nav_context(db, agent), "current": key,
    }
    return render(request, "queue.html", context)


def active_agents(db: Session) -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.execute(select(User.id, User.name).where(User.is_active).order_by(User.name))]


@router.get("/counts")
def counts_fragment(request: Request, db: DB, agent: Agent, current: str = "") -> Response:
    context = {**nav_context(db, agent), "counts": queues.counts(db, agent.principal), "current": current}
    return render(request, "_nav.html", context)


def bulk_changes(agent_id: int, *, assignee: str, status: str, priority: str) -> dict[str, Any]:
    """The TicketUpdate fields a bulk form asks for (an empty field means 'leave as is')."""
    values: dict[str, Any] = {}
    if status:
        values["status"] = status
    if priority:
        values["priority"] = priority
    if assignee == "none":
        values["assignee_id"] = None
    elif assignee == "me":
        values["assignee_id"] = agent_id
    elif assignee.isdigit():
        values["assignee_id"] = int(assignee)
    return values


@router.post("/bulk")
def bulk_action(
    request: Request, db: DB, agent: Agent, ids: Annotated[list[int], Form()], back: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "", tag: Annotated[str, Form()] = "",
) -> Response:
    """Apply the chosen changes to each selected ticket, each through the same checks as one by one."""
    agent.principal.require_scope(Scope.write)
    if len(ids) > 200:
        raise InvalidInput(_("Select at most 200 tickets at once."))
    for ticket_id in ids:
        ticket = access_ticket(db, agent.principal, ticket_id)
        values = bulk_changes(agent.id, assignee=assignee, status=status, priority=priority)
        if tag.strip():
            values["tags"] = labels.tags_of(db, [ticket.id])[ticket.id] + [tag.strip()]
        update_ticket(db, ticket, TicketUpdate.model_validate(values), agent.principal)
    target = back if back.startswith("/ui/") else "/ui/queues/mine"
    return RedirectResponse(target, status_code=303)


@router.post("/views")
def save_view(request: Request, db: DB, agent: Agent, name: Annotated[str, Form()]) -> Response:
    view = queues.save_view(db, agent.principal, name, request.query_params)
    return RedirectResponse(f"/ui/queues/view-{view.id}", status_code=303)


@router.post("/views/{view_id}/delete")
def delete_view(view_id: int, db: DB, agent: Agent) -> Response:
    view = next((v for v in queues.saved_views(db, agent.id) if v.id == view_id), None)
    if view is not None:
        db.delete(view)
    return RedirectResponse("/ui/queues/mine", status_code=303)

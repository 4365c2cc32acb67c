"""Queue pages: ticket lists with sorting, cursor paging, filters, saved views and bulk actions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB
from frontline.accounts.principal import Scope
from frontline.kit.errors import InvalidInput
from frontline.kit.rawsql import Raw
from frontline.kit.schemas import Id
from frontline.tickets import labels
from frontline.tickets.access import access_ticket
from frontline.tickets.models import Priority, Status
from frontline.tickets.schemas import TicketUpdate
from frontline.tickets.service import merge_tickets, update_ticket
from frontline.web import notices, queue_counts, queues, sla_marks
from frontline.web.i18n import _
from frontline.web.models import SavedView
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/ui", include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 50
SORT_LABELS = queues.SORT_LABELS
BULK_LIMIT = 200


def team_names(db: Session) -> dict[int, str]:
    return {int(i): str(n) for i, n in Raw(db).rows("SELECT id, name FROM team ORDER BY name")}


def user_names(db: Session) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Active agents (for pickers, by name) and every user's name by id (assignees may be deactivated)."""
    rows = Raw(db).rows("SELECT id, name, is_active FROM user_account ORDER BY name, id")
    return [(int(i), str(n)) for i, n, active in rows if active], {int(i): str(n) for i, n, _a in rows}


def active_agents(db: Session) -> list[tuple[int, str]]:
    return user_names(db)[0]


def nav_context(db: Session, agent: Agent) -> dict[str, Any]:
    return {"builtin": queues.builtin_for(agent.principal), "views": queues.saved_views(db, agent.id)}


@router.get("/queues/{key}")
def queue_page(request: Request, key: str, db: DB, agent: Agent, sort: str = "",
               cursor: str | None = None) -> Response:
    queue, base = queues.resolve(db, agent.principal, key)
    filters = queues.apply_params(base, request.query_params)
    if sort not in queues.SORTS:
        sort = queue.default_sort
    rows, next_cursor = queues.page(db, agent.principal, filters, sort=sort, cursor=cursor, limit=PAGE_SIZE)
    params = {k: request.query_params[k] for k in queues.FILTER_KEYS if request.query_params.get(k)}
    next_url = f"/ui/queues/{key}?" + urlencode({**params, "sort": sort, "cursor": next_cursor}) if next_cursor else ""
    agents, users = user_names(db)
    context = {
        "queue": queue, "tickets": rows, "teams": team_names(db), "users": users,
        "sort": sort, "sorts": SORT_LABELS, "next_url": next_url, "params": params, "first_page": cursor is None,
        "statuses": list(Status), "priorities": [p.name for p in Priority], "agents": agents,
        "back": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
        **nav_context(db, agent), "current": key, **sla_marks.display_context(getattr(request.state, "tz", None)),
    }
    return render(request, "queue.html", context)


@router.get("/counts")
def counts_fragment(request: Request, db: DB, agent: Agent, current: str = "") -> Response:
    context = {**nav_context(db, agent), "counts": queue_counts.counts(db, agent.principal), "current": current}
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


def _selected(ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput(_("Select at least one ticket."))
    if len(unique) > BULK_LIMIT:
        raise InvalidInput(_("Select at most 200 tickets at once."))
    return unique


def _back_to(back: str) -> str:
    return back if back.startswith("/ui/") and not back.startswith("//") else "/ui/queues/mine"


@router.post("/bulk")
def bulk_action(
    request: Request, db: DB, agent: Agent, ids: Annotated[list[int], Form()] = [],  # noqa: B006
    back: Annotated[str, Form()] = "", assignee: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "", tag: Annotated[str, Form()] = "",
) -> Response:
    """Apply the chosen changes to each selected ticket, each through the same checks as one by one."""
    agent.principal.require_scope(Scope.write)
    selected = _selected(ids)
    for ticket_id in selected:
        ticket = access_ticket(db, agent.principal, ticket_id)
        values = bulk_changes(agent.id, assignee=assignee, status=status, priority=priority)
        if tag.strip():
            values["tags"] = labels.tags_of(db, [ticket.id])[ticket.id] + [tag.strip()]
        update_ticket(db, ticket, TicketUpdate.model_validate(values), agent.principal)
    queue_counts.forget_counts(agent.id)
    return notices.redirect(_back_to(back), "bulk", len(selected))


@router.post("/bulk/merge")
def bulk_merge(
    request: Request, db: DB, agent: Agent, ids: Annotated[list[int], Form()] = [],  # noqa: B006
    back: Annotated[str, Form()] = "", into: Annotated[str, Form()] = "",
) -> Response:
    """Merge the selected tickets into one of them. Without `into` this shows the selection to pick the
    survivor from (nothing changes); with it, every other ticket is merged through the merge service, in
    one transaction: all of them or, on any refusal, none."""
    agent.principal.require_scope(Scope.write)
    selected = _selected(ids)
    if len(selected) < 2:
        raise InvalidInput(_("Select at least two tickets to merge."))
    tickets = [access_ticket(db, agent.principal, ticket_id) for ticket_id in selected]
    if not into:
        survivors = [t for t in tickets if t.merged_into_id is None and t.status != Status.closed]
        return render(request, "queue_merge.html", {
            "tickets": tickets, "survivor": min(survivors, key=lambda t: t.id).id if survivors else None,
            "back": _back_to(back), **nav_context(db, agent), "current": ""})
    if not into.isdigit() or int(into) not in selected:
        raise InvalidInput(_("Choose the ticket to keep among the selected ones."))
    target = next(t for t in tickets if t.id == int(into))
    for source in tickets:
        if source.id != target.id:
            merge_tickets(db, source, target, agent.principal)
    queue_counts.forget_counts(agent.id)
    return notices.redirect(f"/ui/tickets/{target.id}", "bulk_merged", len(tickets) - 1)


@router.post("/views")
def save_view(request: Request, db: DB, agent: Agent, name: Annotated[str, Form()]) -> Response:
    view = queues.save_view(db, agent.principal, name, request.query_params)
    queue_counts.forget_counts(agent.id)  # the new view's count shows at once
    return notices.redirect(f"/ui/queues/view-{view.id}", "view_saved")


@router.post("/views/{view_id}/delete")
def delete_view(view_id: Id, db: DB, agent: Agent) -> Response:
    view = db.get(SavedView, view_id)
    if view is not None and view.owner_user_id == agent.id:
        db.delete(view)
        queue_counts.forget_counts(agent.id)
    return notices.redirect("/ui/queues/mine", "view_deleted")

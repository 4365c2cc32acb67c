"""What agents do on a ticket page: reply or note (with files and canned responses), change fields,
escalate, merge, confirm a sender address read from a malformed From. Every action fetches the ticket
through access_ticket, like the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from frontline.accounts.deps import DB, AppSettings
from frontline.accounts.principal import Scope
from frontline.channels.email.senders import confirm_sender
from frontline.kit.errors import InvalidInput
from frontline.tickets import labels
from frontline.tickets.access import access_ticket
from frontline.tickets.messages import add_agent_message, upload_attachment
from frontline.tickets.models import Status
from frontline.tickets.schemas import MessageCreate, TicketUpdate
from frontline.tickets.service import merge_tickets, update_ticket
from frontline.web import escalation, macros, notices, presence
from frontline.web.i18n import _
from frontline.web.pages.queues import nav_context
from frontline.web.render import render
from frontline.web.session import Agent, verify_csrf

router = APIRouter(prefix="/ui/tickets", include_in_schema=False, dependencies=[Depends(verify_csrf)])


def _back(ticket_id: int, done: str, anchor: str = "", n: int | None = None) -> RedirectResponse:
    return notices.redirect(f"/ui/tickets/{ticket_id}{anchor}", done, n)


@router.post("/{ref}/reply")
def post_reply(
    ref: str, db: DB, agent: Agent, settings: AppSettings, body: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "reply", status: Annotated[str, Form()] = "",
    macro_id: Annotated[str, Form()] = "", files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    agent.principal.require_scope(Scope.write)
    ticket = access_ticket(db, agent.principal, ref)
    attachment_ids = [
        upload_attachment(db, settings.data_dir, ticket, f.file, filename=f.filename, content_type=f.content_type,
                          limit=settings.max_attachment_bytes, uploader_id=agent.id).id
        for f in files or [] if f.filename
    ]
    changes: dict[str, Any] = {}
    if macro_id.isdigit():
        macro = macros.get_macro(db, agent.principal, int(macro_id))
        status = status or (macro.set_status or "")
        if macro.set_priority:
            changes["priority"] = macro.set_priority
    if not body.strip() and not attachment_ids:
        raise InvalidInput(_("Write a message or attach a file."))
    message = MessageCreate(kind="note" if kind == "note" else "reply", body_text=body,
                            attachment_ids=attachment_ids, status=status or None)
    add_agent_message(db, ticket, message, agent.principal)
    if changes:
        update_ticket(db, ticket, TicketUpdate.model_validate(changes), agent.principal)
    presence.leave(db, ticket.id, agent.id)
    return _back(ticket.id, "replied", "#reply")


@router.post("/{ref}/fields")
def post_fields(
    ref: str, db: DB, agent: Agent, status: Annotated[str, Form()], priority: Annotated[str, Form()],
    team_id: Annotated[str, Form()] = "", line: Annotated[str, Form()] = "",
    assignee_id: Annotated[str, Form()] = "", tags: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
) -> Response:
    agent.principal.require_scope(Scope.write)
    ticket = access_ticket(db, agent.principal, ref)
    data = TicketUpdate.model_validate({
        "status": status, "priority": priority, "team_id": int(team_id) if team_id.isdigit() else None,
        "line": line or None, "assignee_id": int(assignee_id) if assignee_id.isdigit() else None,
        "tags": labels.clean_tags(t for t in tags.replace(",", " ").split()), "category": category.strip() or None,
    })
    update_ticket(db, ticket, data, agent.principal)
    return _back(ticket.id, "ticket_saved")


@router.post("/{ref}/escalate")
def post_escalate(ref: str, db: DB, agent: Agent, reason: Annotated[str, Form()] = "",
                  team_id: Annotated[str, Form()] = "") -> Response:
    agent.principal.require_scope(Scope.write)
    ticket = access_ticket(db, agent.principal, ref)
    escalation.escalate(db, ticket, agent.principal, reason=reason,
                        team_id=int(team_id) if team_id.isdigit() else None)
    # The ticket is another team's now: back to the agent's queue, with a word that it went (the agent can
    # still read it: tickets.access.readable_ticket).
    return notices.redirect("/ui/queues/mine", "escalated", ticket.id)


@router.post("/{ref}/confirm-sender")
def post_confirm_sender(ref: str, db: DB, agent: Agent) -> Response:
    agent.principal.require_scope(Scope.write)
    ticket = access_ticket(db, agent.principal, ref)
    confirm_sender(db, ticket, agent.principal)
    return _back(ticket.id, "sender_confirmed")


DONE_STATUSES = (Status.solved, Status.closed)


@router.post("/{ref}/merge")
def post_merge(request: Request, ref: str, db: DB, agent: Agent, into: Annotated[str, Form()],
               confirm: Annotated[str, Form()] = "") -> Response:
    """Merge this ticket into another. Merging a ticket still being worked on into a solved or closed one asks
    first (the customer's open request would land where nobody looks): a page that says so, and merges only on
    the second post."""
    agent.principal.require_scope(Scope.write)
    source = access_ticket(db, agent.principal, ref)
    target = access_ticket(db, agent.principal, into)
    if not confirm and source.status not in DONE_STATUSES and target.status in DONE_STATUSES:
        return render(request, "ticket_merge_confirm.html", {"source": source, "target": target,
                                                             **nav_context(db, agent), "current": ""})
    merge_tickets(db, source, target, agent.principal)
    return _back(target.id, "merged", n=source.id)

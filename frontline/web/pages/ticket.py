"""The ticket page: timeline, reply box, side panel, customer panel, presence and the macro picker."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB
from frontline.accounts.models import Line
from frontline.contacts.models import Contact, ContactIdentity
from frontline.tickets import labels
from frontline.tickets.access import access_ticket, visible_clause
from frontline.tickets.models import Priority, Status, Ticket
from frontline.web import escalation, macros, presence, timeline
from frontline.web.pages.queues import active_agents, nav_context, team_names
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/ui/tickets", include_in_schema=False, dependencies=[Depends(verify_csrf)])


def customer_panel(db: Session, agent: WebAgent, ticket: Ticket) -> dict[str, Any]:
    """The customer and their other tickets (the ones this agent may see), newest first."""
    if ticket.contact_id is None:
        return {"contact": None, "emails": [], "others": []}
    contact = db.get(Contact, ticket.contact_id)
    emails = db.scalars(select(ContactIdentity.value).where(ContactIdentity.contact_id == ticket.contact_id,
                                                            ContactIdentity.kind == "email")).all()
    others = db.scalars(select(Ticket).where(Ticket.contact_id == ticket.contact_id, Ticket.id != ticket.id,
                                             visible_clause(agent.principal))
                        .order_by(Ticket.created_at.desc()).limit(10)).all()
    return {"contact": contact, "emails": emails, "others": others}


def ticket_context(db: Session, agent: WebAgent, ticket: Ticket) -> dict[str, Any]:
    target_line = escalation.next_line(ticket.line)
    return {
        "ticket": ticket, "entries": timeline.build(db, ticket.id), "tags": labels.tags_of(db, [ticket.id])[ticket.id],
        "category": labels.category_names(db, [ticket.category_id]).get(ticket.category_id or 0, ""),
        "statuses": list(Status), "priorities": [p.name for p in Priority], "lines": list(Line),
        "teams": team_names(db), "agents": active_agents(db), "next_line": target_line,
        "escalation_teams": escalation.teams_for_line(db, target_line), **customer_panel(db, agent, ticket),
        "file_prefix": "/api/v1/attachments/",
        **nav_context(db, agent), "current": "",
    }


@router.get("/{ref}")
def ticket_page(request: Request, ref: str, db: DB, agent: Agent) -> Response:
    ticket = access_ticket(db, agent.principal, ref)
    return render(request, "ticket.html", {**ticket_context(db, agent, ticket), "body": "", "macro": None})


@router.post("/{ref}/presence")
def presence_beat(request: Request, ref: str, db: DB, agent: Agent,
                  activity: Annotated[str, Form()] = "viewing") -> Response:
    ticket = access_ticket(db, agent.principal, ref)
    viewers = presence.beat(db, ticket.id, agent.id, activity)
    return render(request, "_presence.html", {"viewers": viewers, "ticket": ticket})


def _placeholder_values(db: Session, agent: WebAgent, ticket: Ticket, prefix: str) -> dict[str, str]:
    contact = db.get(Contact, ticket.contact_id) if ticket.contact_id else None
    email = db.scalar(select(ContactIdentity.value).where(ContactIdentity.contact_id == ticket.contact_id,
                                                          ContactIdentity.kind == "email")) if contact else None
    return {"customer.name": contact.name if contact else "", "customer.email": email or "",
            "ticket.number": f"{prefix}-{ticket.id}", "ticket.subject": ticket.subject,
            "agent.name": agent.user.name}


@router.get("/{ref}/macros")
def macro_picker(request: Request, ref: str, db: DB, agent: Agent, q: str = "") -> Response:
    ticket = access_ticket(db, agent.principal, ref)
    found = macros.list_macros(db, agent.principal, q, limit=10)
    return render(request, "_macro_results.html", {"macros": found, "ticket": ticket})


@router.get("/{ref}/macros/{macro_id}")
def macro_insert(request: Request, ref: str, macro_id: int, db: DB, agent: Agent, body: str = "") -> Response:
    """The reply box again, with the canned response filled in after what the agent already typed."""
    ticket = access_ticket(db, agent.principal, ref)
    macro = macros.get_macro(db, agent.principal, macro_id)
    text = macros.fill(macro.body, _placeholder_values(db, agent, ticket, request.app.state.settings.ticket_prefix))
    combined = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    return render(request, "_reply_box.html", {"ticket": ticket, "body": combined, "macro": macro,
                                               "statuses": list(Status)})

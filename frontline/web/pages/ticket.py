"""The ticket page: timeline, reply box, side panel (with SLA clocks), customer panel, presence and macros.

The page's reads are plain SQL (`kit.rawsql.Raw`) apart from the ticket itself, which comes through
`access_ticket` like everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB
from frontline.accounts.models import Line
from frontline.channels.email.senders import unconfirmed_address
from frontline.contacts.models import Contact, ContactIdentity
from frontline.kit.db import utcnow
from frontline.kit.rawsql import Raw
from frontline.kit.schemas import Id
from frontline.routing import service as routing
from frontline.sla import hotpath
from frontline.sla.models import METRICS
from frontline.sla.pauses import Pause, paused_elapsed, read_clock
from frontline.tickets.access import access_ticket, readable_ticket
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.query import visibility
from frontline.web import macros, presence, sla_marks, timeline
from frontline.web.pages.queues import nav_context, user_names
from frontline.web.render import render
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/ui/tickets", include_in_schema=False, dependencies=[Depends(verify_csrf)])


@dataclass(frozen=True, slots=True)
class TeamRef:
    id: int
    name: str
    line: str | None


@dataclass(frozen=True, slots=True)
class OtherTicket:
    id: int
    subject: str
    status: str


@dataclass(frozen=True, slots=True)
class Clock:
    """One SLA target on the side panel."""

    metric: str
    state: str  # ok, at_risk, breached, paused, met, idle (not running: nobody is waiting)
    due: datetime | None
    remaining: timedelta | None  # business time left (negative: overrun); None when met or idle
    met_at: datetime | None
    target_minutes: int


@dataclass(frozen=True, slots=True)
class SlaPanel:
    policy: str
    clocks: list[Clock]
    paused: bool


def customer_panel(db: Session, agent: WebAgent, ticket: Ticket) -> dict[str, Any]:
    """The customer, how many other tickets they have (all of them: a repeat contact is one whoever handled the
    others) and the ones this agent may see, newest first."""
    if ticket.contact_id is None:
        return {"contact": None, "emails": [], "others": [], "other_count": 0}
    raw = Raw(db)
    found = raw.one("SELECT name, (SELECT count(*) FROM ticket o WHERE o.contact_id = :c AND o.id <> :t"
                    " AND o.merged_into_id IS NULL) FROM contact WHERE id = :c",
                    {"c": ticket.contact_id, "t": ticket.id})
    if found is None:
        return {"contact": None, "emails": [], "others": [], "other_count": 0}
    emails = [r[0] for r in raw.rows("SELECT value FROM contact_identity WHERE contact_id = :c AND kind = 'email' "
                                     "ORDER BY id", {"c": ticket.contact_id})]
    w = visibility(raw, agent.principal)
    w.add(f"t.contact_id = {w.param(ticket.contact_id)}")
    w.add(f"t.id <> {w.param(ticket.id)}")
    others = [OtherTicket(*r) for r in raw.rows(
        f"SELECT t.id, t.subject, t.status FROM ticket t WHERE {w.sql()} ORDER BY t.created_at DESC, t.id DESC "
        "LIMIT 10", w.params)]
    return {"contact": {"id": ticket.contact_id, "name": found[0]}, "emails": emails, "others": others,
            "other_count": int(found[1] or 0)}


_SLA = (
    "SELECT s.calendar_id, s.started_at, s.pauses, s.first_response_due, s.first_response_met_at, "
    "s.next_response_started_at, s.next_response_due, s.resolution_due, s.resolution_met_at, "
    "s.first_response_breached_at, s.next_response_breached_at, s.resolution_breached_at, "
    "p.name, p.first_response_minutes, p.next_response_minutes, p.resolution_minutes, p.warn_before_minutes "
    "FROM ticket_sla s JOIN sla_policy p ON p.id = s.policy_id WHERE s.ticket_id = :t"
)


def sla_panel(db: Session, ticket_id: int, now: datetime | None = None) -> SlaPanel | None:
    """Each SLA target of the ticket: due time, business time left or overrun, paused, met."""
    raw, now = Raw(db), now or utcnow()
    row = raw.one(_SLA, {"t": ticket_id})
    if row is None:
        return None
    t = raw.read_time
    calendar_id, started, pauses_value = row[0], t(row[1]), raw.read_json(row[2]) or []
    first_due, first_met, next_started, next_due, res_due, res_met = (t(v) for v in row[3:9])
    breached = dict(zip(METRICS, (t(v) for v in row[9:12]), strict=True))
    name, first_min, next_min, res_min, warn = row[12:17]
    calendar = hotpath.config(db, raw).calendar(calendar_id)  # shared with clock starts, memo kept warm
    pauses = [Pause(datetime.fromisoformat(s), datetime.fromisoformat(e) if e else None)
              for s, e in pauses_value if s]  # as sla.clocks.pauses_of reads them
    paused = bool(pauses) and pauses[-1].end is None
    specs = (("first_response", started, first_min, first_met, first_due),
             ("next_response", next_started, next_min, None, next_due),
             ("resolution", started, res_min, res_met, res_due))
    clocks = []
    for metric, start, minutes, met_at, stored_due in specs:
        if minutes is None:
            continue
        if met_at is not None:
            clocks.append(Clock(metric, "met", None, None, met_at, minutes))
            continue
        if start is None:
            clocks.append(Clock(metric, "idle", None, None, None, minutes))
            continue
        # The stored due time is what queues sort and warn by; business time is counted against it. A
        # clock standing still (no due time) counts what is left from its start instead.
        if stored_due is None or paused:
            reading = read_clock(calendar, start, timedelta(minutes=minutes), now, pauses)
            due, remaining = stored_due or reading.due, reading.remaining
        else:
            due = stored_due
            remaining = (paused_elapsed(calendar, now, due, pauses) if due >= now
                         else -paused_elapsed(calendar, due, now, pauses))
        if breached[metric] is not None or (due is not None and due < now):
            state = "breached"
        elif paused or due is None:
            state = "paused"
        else:
            state = sla_marks.sla_state(due, now, warn)
        clocks.append(Clock(metric, state, due, remaining, None, minutes))
    return SlaPanel(str(name), clocks, paused)


def ticket_context(db: Session, agent: WebAgent, ticket: Ticket) -> dict[str, Any]:
    raw = Raw(db)
    target_line = routing.next_line(ticket.line)
    default_team = routing.escalation_target(db, ticket, target_line)
    teams = [TeamRef(int(i), str(n), ln) for i, n, ln in raw.rows("SELECT id, name, line FROM team ORDER BY name, id")]
    agents, _users = user_names(db)
    tags = [r[0] for r in raw.rows("SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id "
                                   "WHERE tt.ticket_id = :t ORDER BY g.name", {"t": ticket.id})]
    category = raw.one("SELECT name FROM category WHERE id = :c", {"c": ticket.category_id}) \
        if ticket.category_id else None
    return {
        "ticket": ticket, "entries": timeline.build(db, ticket.id), "tags": tags,
        "category": category[0] if category else "",
        "statuses": list(Status), "priorities": [p.name for p in Priority], "lines": list(Line),
        "teams": {t.id: t.name for t in teams}, "agents": agents, "next_line": target_line,
        "escalation_teams": [t for t in teams if (target_line is not None and t.line == target_line)
                             or t.id == default_team],
        "escalation_default": default_team,
        "sla": sla_panel(db, ticket.id) if ticket.merged_into_id is None else None,  # a merged one's clocks are moot
        "unconfirmed_sender": unconfirmed_address(raw, ticket.id) if ticket.channel == "email" else None,
        **customer_panel(db, agent, ticket),
        "file_prefix": "/api/v1/attachments/",
        **nav_context(db, agent), "current": "",
    }


@router.get("/{ref}")
def ticket_page(request: Request, ref: str, db: DB, agent: Agent) -> Response:
    ticket, writable = readable_ticket(db, agent.principal, ref)
    return render(request, "ticket.html", {**ticket_context(db, agent, ticket), "body": "", "macro": None,
                                           "read_only": not writable,
                                           **sla_marks.display_context(getattr(request.state, "tz", None))})


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
def macro_insert(request: Request, ref: str, macro_id: Id, db: DB, agent: Agent, body: str = "") -> Response:
    """The reply box again, with the canned response filled in after what the agent already typed."""
    ticket = access_ticket(db, agent.principal, ref)
    macro = macros.get_macro(db, agent.principal, macro_id)
    text = macros.fill(macro.body, _placeholder_values(db, agent, ticket, request.app.state.settings.ticket_prefix))
    combined = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    return render(request, "_reply_box.html", {"ticket": ticket, "body": combined, "macro": macro,
                                               "statuses": list(Status)})

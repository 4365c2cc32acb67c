"""REST endpoints for SLA calendars and policies, and a ticket's SLA clocks."""

from __future__ import annotations

from fastapi import APIRouter

from frontline.accounts.deps import DB, Reader, Supervisor, SupervisorReader
from frontline.kit.errors import NotFound
from frontline.kit.schemas import Id
from frontline.sla import manage, service
from frontline.sla.models import Calendar, Policy, TicketSla
from frontline.sla.schemas import ApplyOut, CalendarIn, CalendarOut, PolicyIn, PolicyOut, TicketSlaOut
from frontline.tickets.access import access_ticket

router = APIRouter(prefix="", tags=["sla"])


@router.get("/sla/calendars", response_model=list[CalendarOut])
def get_calendars(db: DB, caller: Reader) -> list[Calendar]:
    return manage.list_calendars(db)


@router.post("/sla/calendars", status_code=201, response_model=CalendarOut)
def post_calendar(body: CalendarIn, db: DB, caller: Supervisor) -> Calendar:
    return manage.save_calendar(db, None, body)


@router.put("/sla/calendars/{calendar_id}", response_model=CalendarOut)
def put_calendar(calendar_id: Id, body: CalendarIn, db: DB, caller: Supervisor) -> Calendar:
    """Edit a calendar; running clocks on it are recomputed by the next SLA check of each ticket."""
    return manage.save_calendar(db, manage.get_calendar(db, calendar_id), body)


@router.get("/sla/policies", response_model=list[PolicyOut])
def get_policies(db: DB, caller: Reader) -> list[Policy]:
    return manage.list_policies(db)


@router.post("/sla/policies", status_code=201, response_model=PolicyOut)
def post_policy(body: PolicyIn, db: DB, caller: Supervisor) -> Policy:
    return manage.save_policy(db, None, body)


@router.put("/sla/policies/{policy_id}", response_model=PolicyOut)
def put_policy(policy_id: Id, body: PolicyIn, db: DB, caller: Supervisor) -> Policy:
    return manage.save_policy(db, manage.get_policy(db, policy_id), body)


@router.get("/sla/apply", response_model=ApplyOut)
def get_apply(db: DB, caller: SupervisorReader) -> ApplyOut:
    """How many open tickets would get another SLA policy (or their first clocks) if the policies as they are
    now were applied to them: the count to see before `POST /sla/apply`."""
    return ApplyOut(tickets=service.policy_changes(db), queued=False)


@router.post("/sla/apply", status_code=202, response_model=ApplyOut)
def post_apply(db: DB, caller: Supervisor) -> ApplyOut:
    """Apply the policies as they are now to every open ticket, in the background (`sla.apply`, in batches):
    each gets the first matching policy, keeping the time already elapsed. `tickets`: how many will change."""
    return ApplyOut(tickets=service.start_applying(db), queued=True)


@router.get("/tickets/{ref}/sla", response_model=TicketSlaOut)
def get_ticket_sla(ref: str, db: DB, caller: Reader) -> TicketSlaOut:
    ticket = access_ticket(db, caller, ref)
    state = db.get(TicketSla, ticket.id)
    if state is None:
        raise NotFound(f"Ticket {ref} has no SLA policy.")
    out = TicketSlaOut.model_validate(state)
    out.paused = bool(state.pauses) and state.pauses[-1][1] is None
    return out

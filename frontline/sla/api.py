"""REST endpoints for SLA calendars and policies, and a ticket's SLA clocks."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB, Reader, Writer
from frontline.kit.errors import InvalidInput, NotFound
from frontline.sla.clocks import business_calendar
from frontline.sla.holiday_import import holiday_dates
from frontline.sla.models import Calendar, Policy, TicketSla
from frontline.sla.schemas import CONDITION_KEYS, CalendarIn, CalendarOut, PolicyIn, PolicyOut, TicketSlaOut
from frontline.tickets.access import access_ticket

router = APIRouter(prefix="", tags=["sla"])


def _apply_calendar(row: Calendar, body: CalendarIn) -> Calendar:
    holidays = set(body.holidays)
    if body.public_holidays:
        year = date.today().year
        try:
            holidays |= {d.isoformat() for d in holiday_dates(body.public_holidays, range(year - 1, year + 3))}
        except (KeyError, NotImplementedError, ValueError) as exc:
            raise InvalidInput(f"No public holidays known for '{body.public_holidays}'.") from exc
    row.name, row.timezone, row.always_open = body.name, body.timezone, body.always_open
    row.weekly_hours, row.holidays, row.special_hours = body.weekly_hours, sorted(holidays), body.special_hours
    try:
        business_calendar(row)  # validate: bad hours, unknown zone, never open
    except (ValueError, KeyError) as exc:
        raise InvalidInput(f"The calendar is not valid: {exc}") from exc
    return row


@router.get("/sla/calendars", response_model=list[CalendarOut])
def get_calendars(db: DB, caller: Reader) -> list[Calendar]:
    return list(db.scalars(select(Calendar).order_by(Calendar.name)))


@router.post("/sla/calendars", status_code=201, response_model=CalendarOut)
def post_calendar(body: CalendarIn, db: DB, caller: Writer) -> Calendar:
    caller.require_supervisor()
    row = _apply_calendar(Calendar(), body)
    db.add(row)
    db.flush()
    return row


@router.put("/sla/calendars/{calendar_id}", response_model=CalendarOut)
def put_calendar(calendar_id: int, body: CalendarIn, db: DB, caller: Writer) -> Calendar:
    """Edit a calendar; running clocks on it are recomputed by the next SLA check of each ticket."""
    caller.require_supervisor()
    row = db.get(Calendar, calendar_id)
    if row is None:
        raise NotFound(f"No calendar {calendar_id}.")
    _apply_calendar(row, body)
    db.flush()
    return row


def _check_policy(db: Session, body: PolicyIn) -> None:
    unknown = set(body.conditions) - CONDITION_KEYS
    if unknown:
        raise InvalidInput(f"Unknown condition '{sorted(unknown)[0]}'. Use: {', '.join(sorted(CONDITION_KEYS))}.")
    if body.calendar_id is not None and db.get(Calendar, body.calendar_id) is None:
        raise InvalidInput(f"No calendar {body.calendar_id}.")
    if not (body.first_response_minutes or body.next_response_minutes or body.resolution_minutes):
        raise InvalidInput("A policy needs at least one target (first response, next response or resolution).")


@router.get("/sla/policies", response_model=list[PolicyOut])
def get_policies(db: DB, caller: Reader) -> list[Policy]:
    return list(db.scalars(select(Policy).order_by(Policy.position, Policy.id)))


@router.post("/sla/policies", status_code=201, response_model=PolicyOut)
def post_policy(body: PolicyIn, db: DB, caller: Writer) -> Policy:
    caller.require_supervisor()
    _check_policy(db, body)
    row = Policy(**body.model_dump())
    db.add(row)
    db.flush()
    return row


@router.put("/sla/policies/{policy_id}", response_model=PolicyOut)
def put_policy(policy_id: int, body: PolicyIn, db: DB, caller: Writer) -> Policy:
    caller.require_supervisor()
    row = db.get(Policy, policy_id)
    if row is None:
        raise NotFound(f"No policy {policy_id}.")
    _check_policy(db, body)
    for key, value in body.model_dump().items():
        setattr(row, key, value)
    db.flush()
    return row


@router.get("/tickets/{ref}/sla", response_model=TicketSlaOut)
def get_ticket_sla(ref: str, db: DB, caller: Reader) -> TicketSlaOut:
    ticket = access_ticket(db, caller, ref)
    state = db.get(TicketSla, ticket.id)
    if state is None:
        raise NotFound(f"Ticket {ref} has no SLA policy.")
    out = TicketSlaOut.model_validate(state)
    out.paused = bool(state.pauses) and state.pauses[-1][1] is None
    return out

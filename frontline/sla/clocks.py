"""Turning SLA rows into calendar arithmetic: which policy applies, and when each clock is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.contacts.models import Organisation
from frontline.sla.calendar import BusinessCalendar
from frontline.sla.models import Calendar, Policy, TeamCalendar, TicketSla
from frontline.sla.pauses import Pause, paused_due_time
from frontline.tickets.models import Priority, Ticket

ALWAYS_OPEN = BusinessCalendar.always_open("UTC")


def business_calendar(row: Calendar | None) -> BusinessCalendar:
    if row is None:
        return ALWAYS_OPEN
    holidays = [date.fromisoformat(d) for d in row.holidays or []]
    if row.always_open:
        return BusinessCalendar.always_open(row.timezone, holidays=holidays)
    special = {date.fromisoformat(d): spec for d, spec in (row.special_hours or {}).items()}
    return BusinessCalendar.from_hours(row.timezone, row.weekly_hours, holidays=holidays, special_hours=special)


def _matches(policy: Policy, ticket: Ticket, tier: str | None) -> bool:
    c = policy.conditions or {}
    checks = (
        ("priority", Priority(ticket.priority).name), ("channel", ticket.channel), ("team_id", ticket.team_id),
        ("organisation_id", ticket.organisation_id), ("organisation_tier", tier),
    )
    return all(not c.get(key) or value in c[key] for key, value in checks)


def match_policy(db: Session, ticket: Ticket) -> Policy | None:
    """The first active policy (by position) whose conditions all hold for the ticket."""
    tier = None
    if ticket.organisation_id is not None:
        tier = db.scalar(select(Organisation.tier).where(Organisation.id == ticket.organisation_id))
    policies = db.scalars(select(Policy).where(Policy.active.is_(True)).order_by(Policy.position, Policy.id))
    return next((p for p in policies if _matches(p, ticket, tier)), None)


def calendar_id_for(db: Session, policy: Policy, team_id: int | None) -> int | None:
    if policy.calendar_id is not None:
        return policy.calendar_id
    if team_id is None:
        return None
    return db.scalar(select(TeamCalendar.calendar_id).where(TeamCalendar.team_id == team_id))


def pauses_of(state: TicketSla) -> list[Pause]:
    return [Pause(datetime.fromisoformat(s), datetime.fromisoformat(e) if e else None)
            for s, e in state.pauses or [] if s]


def due(calendar: BusinessCalendar, start: datetime | None, minutes: int | None, pauses: list[Pause]
        ) -> datetime | None:
    if start is None or minutes is None:
        return None
    return paused_due_time(calendar, start, timedelta(minutes=minutes), pauses)


def recompute(state: TicketSla, policy: Policy, calendar: BusinessCalendar) -> None:
    """Due times of the clocks still running, after any change of pauses or state."""
    pauses = pauses_of(state)
    state.first_response_due = (
        None if state.first_response_met_at else due(calendar, state.started_at, policy.first_response_minutes, pauses))
    state.next_response_due = due(calendar, state.next_response_started_at, policy.next_response_minutes, pauses)
    state.resolution_due = (
        None if state.resolution_met_at else due(calendar, state.started_at, policy.resolution_minutes, pauses))
    running = [d for d in (state.first_response_due, state.next_response_due, state.resolution_due) if d]
    state.next_due = min(running) if running else None

"""Turning SLA rows into calendar arithmetic: which policy applies, and when each clock is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from frontline.sla.calendar import BusinessCalendar
from frontline.sla.models import Calendar, Policy, TicketSla
from frontline.sla.pauses import Pause, paused_due_time
from frontline.tickets.models import Priority

ALWAYS_OPEN = BusinessCalendar.always_open("UTC")


def business_calendar(row: Calendar | None) -> BusinessCalendar:
    if row is None:
        return ALWAYS_OPEN
    return calendar_from(row.timezone, row.always_open, row.weekly_hours, row.holidays, row.special_hours)


def calendar_from(timezone: str, always_open: bool, weekly_hours: dict[str, str] | None, holidays: list[str] | None,
                  special_hours: dict[str, str] | None) -> BusinessCalendar:
    """A calendar row's columns as calendar arithmetic (shared by the ORM path and the cached hot path)."""
    days_off = [date.fromisoformat(d) for d in holidays or []]
    if always_open:
        return BusinessCalendar.always_open(timezone, holidays=days_off)
    special = {date.fromisoformat(d): spec for d, spec in (special_hours or {}).items()}
    return BusinessCalendar.from_hours(timezone, weekly_hours or {}, holidays=days_off, special_hours=special)


def conditions_hold(conditions: dict[str, Any] | None, priority: int, channel: str, team_id: int | None,
                    organisation_id: int | None, tier: str | None) -> bool:
    """Whether a policy's conditions all hold: each given key lists the values it accepts."""
    c = conditions or {}
    checks = (
        ("priority", Priority(priority).name), ("channel", channel), ("team_id", team_id),
        ("organisation_id", organisation_id), ("organisation_tier", tier),
    )
    return all(not c.get(key) or value in c[key] for key, value in checks)


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

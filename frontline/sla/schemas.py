"""API shapes for SLA calendars, policies and a ticket's clocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from frontline.kit.schemas import Id, Input, Output

BreachAction = Literal["notify_supervisor", "escalate", "raise_priority"]
CONDITION_KEYS = {"priority", "channel", "team_id", "organisation_id", "organisation_tier"}


class CalendarIn(Input):
    name: str = Field(min_length=1, max_length=120)
    timezone: str = "UTC"
    always_open: bool = False
    weekly_hours: dict[str, str] = Field(
        default_factory=dict, description='e.g. {"mon-fri": "09:00-13:00, 14:00-18:00", "sat": "10:00-14:00"}'
    )
    holidays: list[str] = Field(default_factory=list, description="ISO dates, closed all day")
    special_hours: dict[str, str] = Field(default_factory=dict, description='{"2026-12-31": "09:00-15:00"}')
    public_holidays: str | None = Field(default=None, description="Country code: add its public holidays (e.g. RU)")


class CalendarOut(Output):
    id: int
    name: str
    timezone: str
    always_open: bool
    weekly_hours: dict[str, str]
    holidays: list[str]
    special_hours: dict[str, str]


class PolicyIn(Input):
    name: str = Field(min_length=1, max_length=120)
    position: int = Field(default=100, ge=0, le=1_000_000)
    active: bool = True
    conditions: dict[str, list[Any]] = Field(default_factory=dict, description=f"keys: {sorted(CONDITION_KEYS)}")
    first_response_minutes: int | None = Field(default=None, ge=1, le=525_600)
    next_response_minutes: int | None = Field(default=None, ge=1, le=525_600)
    resolution_minutes: int | None = Field(default=None, ge=1, le=5_256_000)
    calendar_id: Id | None = None
    warn_before_minutes: int = Field(default=30, ge=0, le=10_080)
    breach_actions: list[BreachAction] = Field(default_factory=list)


class PolicyOut(Output):
    id: int
    name: str
    position: int
    active: bool
    conditions: dict[str, list[Any]]
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    calendar_id: int | None
    warn_before_minutes: int
    breach_actions: list[str]


class TicketSlaOut(Output):
    ticket_id: int
    policy_id: int | None
    calendar_id: int | None
    started_at: datetime
    paused: bool = False
    first_response_due: datetime | None
    first_response_met_at: datetime | None
    first_response_breached_at: datetime | None
    next_response_due: datetime | None
    next_response_breached_at: datetime | None
    resolution_due: datetime | None
    resolution_met_at: datetime | None
    resolution_breached_at: datetime | None
    next_due: datetime | None


class ApplyOut(Output):
    tickets: int = Field(description="Open tickets that get another policy (or their first clocks).")
    queued: bool = Field(description="True once the change is queued (POST); False for the count alone (GET).")

"""SLA policies, business-hours calendars and each ticket's SLA clocks (due times indexed for queues)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow

METRICS = ("first_response", "next_response", "resolution")


class Calendar(Base):
    """Opening hours on a local wall clock: {"mon-fri": "09:00-18:00"}, holidays, special days, or 24/7."""

    __tablename__ = "sla_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    always_open: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_hours: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    holidays: Mapped[list[str]] = mapped_column(JSONType, default=list)
    special_hours: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamCalendar(Base):
    __tablename__ = "sla_team_calendar"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendar.id", ondelete="CASCADE"))


class Policy(Base):
    """Targets in business minutes, for the tickets its conditions match (first match by position wins)."""

    __tablename__ = "sla_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    next_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("sla_calendar.id", ondelete="SET NULL"))
    warn_before_minutes: Mapped[int] = mapped_column(Integer, default=30)
    breach_actions: Mapped[list[str]] = mapped_column(JSONType, default=list)


class TicketSla(Base):
    """A ticket's clocks. A due time is set while its clock runs; met/breached stamps say how it ended."""

    __tablename__ = "ticket_sla"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policy.id", ondelete="SET NULL"))
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("sla_calendar.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pauses: Mapped[list[list[str | None]]] = mapped_column(JSONType, default=list)
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime)  # earliest running due time, for queues

    __table_args__ = (Index("ix_ticket_sla_next_due", "next_due"),)

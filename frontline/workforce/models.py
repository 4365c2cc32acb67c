"""Planner tables: handle times per channel, published schedules and their shifts.

A published schedule keeps the whole plan (templates, agents, assignments) as JSON so it can be
checked and exported exactly as it was published, and one `work_shift` row per worked shift in UTC
so routing can ask "is this agent on shift now?" with one indexed query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow


class ChannelHandleTime(Base):
    """Average handle time of one channel, set by a manager (replies carry no handling time yet)."""

    __tablename__ = "planner_handle_time"

    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    aht_seconds: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedSchedule(Base):
    """A team's schedule as published: horizon, time zone and the full plan."""

    __tablename__ = "planner_schedule"
    __table_args__ = (Index("ix_planner_schedule_team", "team_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    plan: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkShift(Base):
    """One worked shift of a published schedule, in UTC."""

    __tablename__ = "planner_shift"
    __table_args__ = (Index("ix_planner_shift_user", "user_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("planner_schedule.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgentContract(Base):
    """An agent's weekly contract: hours per week and how far a week may fall below or go above them."""

    __tablename__ = "planner_agent_contract"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    contract_hours: Mapped[float] = mapped_column(Float)
    hours_below: Mapped[float] = mapped_column(Float, default=4.0)
    hours_above: Mapped[float] = mapped_column(Float, default=4.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

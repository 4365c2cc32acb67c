"""Who is on shift: the published schedules as routing and agents see them.

Kept apart from the planning service so routing imports only SQLAlchemy here, not the forecasting
and optimisation libraries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.kit.errors import NotFound
from frontline.workforce.models import PublishedSchedule, WorkShift


def covering(db: Session, team_id: int, at: datetime) -> PublishedSchedule | None:
    utc_day = at.astimezone(UTC).date()
    rows = db.scalars(select(PublishedSchedule).where(
        PublishedSchedule.team_id == team_id, PublishedSchedule.start <= utc_day + timedelta(days=1),
        PublishedSchedule.end >= utc_day - timedelta(days=1))).all()
    for row in rows:
        local_day = at.astimezone(ZoneInfo(row.timezone)).date()
        if row.start <= local_day < row.end:
            return row
    return None


def on_shift(db: Session, user_id: int, at: datetime) -> bool:
    """Whether a published shift of the agent covers the moment `at`."""
    return db.scalar(select(WorkShift.id).where(
        WorkShift.user_id == user_id, WorkShift.starts_at <= at, WorkShift.ends_at > at).limit(1)) is not None


def rostered(db: Session, team_id: int, user_ids: list[int], at: datetime) -> set[int] | None:
    """Of `user_ids`, those on shift at `at`; None when no published schedule of the team covers `at`."""
    schedule = covering(db, team_id, at)
    if schedule is None:
        return None
    return set(db.scalars(select(WorkShift.user_id).where(
        WorkShift.schedule_id == schedule.id, WorkShift.user_id.in_(user_ids), WorkShift.starts_at <= at,
        WorkShift.ends_at > at)))


def shifts_of(db: Session, user_id: int, *, since: date | None = None) -> list[WorkShift]:
    query = select(WorkShift).where(WorkShift.user_id == user_id).order_by(WorkShift.starts_at)
    if since is not None:
        query = query.where(WorkShift.day >= since)
    return list(db.scalars(query))


def published(db: Session, schedule_id: int) -> PublishedSchedule:
    row = db.get(PublishedSchedule, schedule_id)
    if row is None:
        raise NotFound(f"Published schedule {schedule_id} does not exist.")
    return row


def team_schedules(db: Session, team_id: int | None = None) -> list[PublishedSchedule]:
    query = select(PublishedSchedule).order_by(PublishedSchedule.start.desc(), PublishedSchedule.id.desc())
    if team_id is not None:
        query = query.where(PublishedSchedule.team_id == team_id)
    return list(db.scalars(query))

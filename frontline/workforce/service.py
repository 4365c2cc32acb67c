"""Planner service: forecast, staffing and schedules for a team from the desk's data; publishing; rosters.

A published schedule replaces any earlier one of the same team that overlaps its dates, so at any
moment a team has at most one schedule in force; routing asks `roster.rostered` who is on shift.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team, TeamMember, User
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.settings import Settings
from frontline.workforce import document as docs
from frontline.workforce.contracts import DEFAULT_CONTRACT_HOURS, contracts_of, set_contract
from frontline.workforce.forecast import EmptyHistoryError
from frontline.workforce.history import contacts_from_db, handle_times, interval_history
from frontline.workforce.models import PublishedSchedule, WorkShift
from frontline.workforce.planning import (
    DEFAULT_TEMPLATES,
    PlanOptions,
    StaffingPlan,
    VolumeForecast,
    forecast_volume,
    staff_requirement,
)
from frontline.workforce.roster import on_shift, published, rostered, shifts_of, team_schedules
from frontline.workforce.schedule import Agent, Horizon, Line, ScheduleProblem, StaffingRequirement, check_schedule
from frontline.workforce.schedule import explain as explain_schedule
from frontline.workforce.schedule import solve as solve_schedule

HISTORY_SHOWN_DAYS = 14


@dataclass(frozen=True)
class TeamPlan:
    team_id: int
    tz: str
    horizon: Horizon
    volume: VolumeForecast
    volumes: pd.DataFrame  # wall-clock forecast per channel
    staffing: StaffingPlan
    handle_sources: dict[str, str]


def get_team(db: Session, team_id: int) -> Team:
    team = db.get(Team, team_id)
    if team is None:
        raise NotFound(f"Team {team_id} does not exist.")
    return team


def local_today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def team_history(db: Session, team_id: int | None, *, tz: str, until: date) -> pd.DataFrame:
    """The team's contacts per channel and interval over complete local days before `until`."""
    contacts = contacts_from_db(db, team_id=team_id)
    if not len(contacts):
        raise InvalidInput("There is no ticket history to plan from: the team has no tickets yet.")
    first = pd.Timestamp(contacts.at_utc[0]).tz_localize("UTC").tz_convert(tz).date()
    if first >= until:
        raise InvalidInput("There is no complete day of ticket history before the planning start.")
    return interval_history(contacts, tz=tz, start=first, end=until)


def plan_from_history(history: pd.DataFrame, aht: dict[str, float], *, tz: str, country: str | None,
                      horizon: Horizon, options: PlanOptions, team_id: int = 0,
                      sources: dict[str, str] | None = None) -> TeamPlan:
    """Forecast up to the horizon's end and staff every wall-clock interval of the horizon."""
    try:
        volume = forecast_volume(history, tz=tz, until=horizon.end, country=country)
    except EmptyHistoryError as exc:
        raise InvalidInput(str(exc)) from exc
    volumes = volume.wall_clock(horizon, tz)
    staffing = staff_requirement(volumes, aht, options)
    return TeamPlan(team_id, tz, horizon, volume, volumes, staffing, sources or {})


def plan_team(db: Session, settings: Settings, team_id: int | None, horizon: Horizon,
              options: PlanOptions) -> TeamPlan:
    tz = settings.planner_timezone
    history = team_history(db, team_id, tz=tz, until=min(horizon.start, local_today(tz)))
    times = handle_times(db, settings.planner_handle_times, history.columns)
    return plan_from_history(history, {c: h.aht_seconds for c, h in times.items()}, tz=tz,
                             country=settings.planner_country or None, horizon=horizon, options=options,
                             team_id=team_id or 0, sources={c: h.source for c, h in times.items()})


def team_agents(db: Session, team_id: int) -> tuple[Agent, ...]:
    """The team's active agents as the scheduler sees them, each with their own weekly contract."""
    users = db.scalars(select(User).join(TeamMember, TeamMember.user_id == User.id).where(
        TeamMember.team_id == team_id, User.is_active.is_(True), User.role != "customer").order_by(User.id)).all()
    contracts = contracts_of(db, [u.id for u in users])
    return tuple(Agent(str(u.id), u.name, Line(u.line) if u.line in ("L1", "L2", "L3") else Line.L1,
                       contracts[u.id].contract_hours, frozenset(u.skills or []),
                       hours_below=contracts[u.id].hours_below, hours_above=contracts[u.id].hours_above)
                 for u in users)


def plan_document(plan: TeamPlan, agents: tuple[Agent, ...], options: PlanOptions) -> docs.Document:
    """Everything the pages and exports show about one plan, before a schedule is added."""
    forecast = plan.volume.forecast
    lows = forecast.lower.get(80)
    highs = forecast.upper.get(80)
    from frontline.workforce.planning import on_wall_clock

    total = plan.volumes.sum(axis=1)
    scale = lambda s: on_wall_clock(s, plan.horizon, plan.tz).to_numpy()  # noqa: E731
    history = plan.volume.history.iloc[-HISTORY_SHOWN_DAYS * 48:]
    local_history = pd.DatetimeIndex(history.index).tz_convert(plan.tz).tz_localize(None)
    return {
        "team_id": plan.team_id, "timezone": plan.tz, "start": plan.horizon.start.isoformat(),
        "weeks": plan.horizon.weeks, "templates": docs.templates_json(DEFAULT_TEMPLATES),
        "agents": docs.agents_json(agents), "assignments": [], "required": list(plan.staffing.required),
        "scheduled": [0] * plan.horizon.num_intervals,
        "live_volume": _rounded(plan.staffing.live_volume), "deferred_volume": _rounded(plan.staffing.deferred_volume),
        "live_agents": [int(v) for v in plan.staffing.live_agents],
        "deferred_agents": [int(v) for v in plan.staffing.deferred_agents],
        "live_aht": round(plan.staffing.live_aht, 1), "deferred_aht": round(plan.staffing.deferred_aht, 1),
        "handle_time_sources": plan.handle_sources, "options": dataclasses.asdict(options),
        "forecast": {"mean": _rounded(total.to_numpy()),
                     "lo": _rounded(scale(lows)) if lows is not None else [],
                     "hi": _rounded(scale(highs)) if highs is not None else []},
        "history": {"start": local_history[0].isoformat() if len(history) else None,
                    "values": _rounded(history.to_numpy())},
        "model": forecast.model, "fallback": forecast.fallback, "reason": forecast.reason,
        "notes": list(forecast.notes), "status": "draft", "gap": None, "violations": [], "explanation": [],
        "cost": 0.0,
    }


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 3) for v in values]


def solve_document(doc: docs.Document, *, time_limit_s: float, explain: bool = True) -> docs.Document:
    """Add a solved schedule to a plan document, verified by the independent checker."""
    problem = docs.problem_of(doc)
    if not problem.agents:
        raise InvalidInput("The team has no active agents to schedule.")
    result = solve_schedule(problem, time_limit_s=time_limit_s)
    report = check_schedule(result.schedule, problem)
    sentences: list[str] = []
    if explain and (report.total_shortfall > 0 or result.status in ("infeasible", "unknown")):
        sentences = list(explain_schedule(problem, time_limit_s=max(1.0, time_limit_s / 2), baseline=result).sentences)
    return {**doc, "assignments": docs.assignments_json(result.schedule), "scheduled": list(report.scheduled),
            "status": str(result.status), "gap": result.gap, "violations": docs.violations_json(report),
            "explanation": sentences, "cost": round(report.cost, 2), "shortfall": report.total_shortfall}


def check_document(doc: docs.Document) -> docs.Document:
    """Re-check a (possibly hand-edited) document's assignments; coverage and violations are recomputed."""
    try:
        problem: ScheduleProblem = docs.problem_of(doc)
        report = check_schedule(docs.schedule_of(doc), problem)
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(f"The schedule cannot be read: {exc}") from exc
    return {**doc, "scheduled": list(report.scheduled), "violations": docs.violations_json(report),
            "cost": round(report.cost, 2), "shortfall": report.total_shortfall}


def publish(db: Session, doc: docs.Document, *, actor_id: int | None, force: bool = False) -> PublishedSchedule:
    """Store a checked schedule and its shifts in UTC; it replaces overlapping schedules of the team."""
    if not isinstance(doc.get("team_id"), int):
        raise InvalidInput("The plan document has no team_id.")
    team = get_team(db, doc["team_id"])
    checked = check_document(doc)
    if checked["violations"] and not force:
        raise InvalidInput("The schedule breaks labour rules; fix it or publish with force.",
                           errors=[{"rule": v["rule"], "msg": v["message"]} for v in checked["violations"]])
    horizon = docs.horizon_of(checked)
    _unpublish_overlapping(db, team.id, horizon.start, horizon.end)
    row = PublishedSchedule(team_id=team.id, start=horizon.start, end=horizon.end, weeks=horizon.weeks,
                            timezone=checked["timezone"], plan={**checked, "status": "published"},
                            published_by=actor_id)
    db.add(row)
    db.flush()
    db.add_all(_work_shifts(row.id, checked))
    db.flush()
    return row


def _unpublish_overlapping(db: Session, team_id: int, start: date, end: date) -> None:
    old = db.scalars(select(PublishedSchedule.id).where(
        PublishedSchedule.team_id == team_id, PublishedSchedule.start < end, PublishedSchedule.end > start)).all()
    if old:
        db.execute(delete(WorkShift).where(WorkShift.schedule_id.in_(old)))
        db.execute(delete(PublishedSchedule).where(PublishedSchedule.id.in_(old)))


def _work_shifts(schedule_id: int, doc: docs.Document) -> list[WorkShift]:
    zone = ZoneInfo(doc["timezone"])
    templates = {t.name: t for t in docs.templates_of(doc)}
    shifts = []
    for item in docs.schedule_of(doc).assignments:
        template = templates[item.shift]
        starts = datetime.combine(item.day, template.start, tzinfo=zone).astimezone(UTC)
        shifts.append(WorkShift(schedule_id=schedule_id, user_id=int(item.agent_id), day=item.day, shift=item.shift,
                                starts_at=starts, ends_at=starts + timedelta(minutes=template.length_minutes)))
    return shifts


__all__ = ["DEFAULT_CONTRACT_HOURS", "on_shift", "published", "rostered", "set_contract", "shifts_of",
           "team_schedules"]


def requirement_of(doc: docs.Document) -> StaffingRequirement:
    return StaffingRequirement(tuple(int(v) for v in doc["required"]))

"""Small problems and hand-made schedules for the scheduling tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, time, timedelta

from frontline.workforce.schedule import (
    Agent,
    Assignment,
    CheckReport,
    Horizon,
    LabourRules,
    Line,
    Schedule,
    ScheduleProblem,
    ShiftKind,
    ShiftTemplate,
    StaffingRequirement,
    check_schedule,
)
from frontline.workforce.schedule.model import INTERVALS_PER_DAY

MONDAY = date(2024, 1, 1)

DAY = ShiftTemplate("day", time(7, 0), 8 * 60, ShiftKind.DAY)
EVENING = ShiftTemplate("evening", time(15, 0), 8 * 60, ShiftKind.EVENING)
NIGHT = ShiftTemplate("night", time(23, 0), 8 * 60, ShiftKind.NIGHT)
LONG_DAY = ShiftTemplate("long-day", time(8, 0), 12 * 60, ShiftKind.TWELVE_HOUR)
LONG_NIGHT = ShiftTemplate("long-night", time(20, 0), 12 * 60, ShiftKind.TWELVE_HOUR)
PART = ShiftTemplate("part", time(10, 0), 4 * 60, ShiftKind.PART_TIME)
LATE = ShiftTemplate("late", time(16, 0), 8 * 60, ShiftKind.EVENING)

THREE_SHIFTS = (DAY, EVENING, NIGHT)
ALL_TEMPLATES = (DAY, EVENING, NIGHT, LONG_DAY, LONG_NIGHT, PART, LATE)


def agent(agent_id: str, hours: float = 40, **changes: object) -> Agent:
    base = Agent(agent_id, agent_id.capitalize(), Line.L1, hours)
    return replace(base, **changes)  # type: ignore[arg-type]


def daily_profile(values_by_hour: dict[range, int], weeks: int) -> tuple[int, ...]:
    """Requirement per interval from {range of hours: agents}, the same every day."""
    day = [0] * INTERVALS_PER_DAY
    for hours, need in values_by_hour.items():
        for hour in hours:
            day[2 * hour] = day[2 * hour + 1] = need
    return tuple(day * 7 * weeks)


def problem(
    agents: Iterable[Agent],
    *,
    weeks: int = 1,
    templates: Iterable[ShiftTemplate] = THREE_SHIFTS,
    requirement: StaffingRequirement | None = None,
    rules: LabourRules | None = None,
    start: date = MONDAY,
) -> ScheduleProblem:
    horizon = Horizon(start, weeks)
    need = requirement or StaffingRequirement((0,) * horizon.num_intervals)
    return ScheduleProblem(horizon, tuple(agents), tuple(templates), need, rules or LabourRules())


def shifts(agent_id: str, *items: tuple[int, str], start: date = MONDAY) -> list[Assignment]:
    """Assignments from (day offset, shift name) pairs."""
    return [Assignment(agent_id, start + timedelta(days=offset), name) for offset, name in items]


def schedule(*groups: Iterable[Assignment]) -> Schedule:
    return Schedule(tuple(item for group in groups for item in group))


def check(items: Schedule, scheduling_problem: ScheduleProblem) -> CheckReport:
    return check_schedule(items, scheduling_problem)

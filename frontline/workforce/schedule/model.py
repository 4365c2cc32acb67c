"""Data of a shift-scheduling problem and of its answer.

Only plain data lives here: the solver (`solver.py`, `cpmodel.py`) and the
independent checker (`checker.py`) both read these dataclasses, but each
implements the labour rules in its own way, so one can catch the other's bugs.

Times are local and zone-naive: every day has 48 half-hour intervals and DST
changes are ignored (a planner schedules by wall clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

INTERVAL_MINUTES = 30
INTERVALS_PER_DAY = 24 * 60 // INTERVAL_MINUTES
MAX_SHIFT_MINUTES = 16 * 60


class ShiftKind(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    TWELVE_HOUR = "12h"
    PART_TIME = "part-time"


class Line(StrEnum):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"


class RuleFamily(StrEnum):
    """Names of the rules, shared by solver, checker and explanations."""

    ONE_SHIFT_PER_DAY = "one_shift_per_day"
    UNAVAILABLE_DAY = "unavailable_day"
    MIN_REST = "min_rest"
    CONSECUTIVE_NIGHTS = "consecutive_nights"
    WEEKLY_MIN_HOURS = "weekly_min_hours"
    WEEKLY_MAX_HOURS = "weekly_max_hours"
    MAX_CONSECUTIVE_DAYS = "max_consecutive_days"
    WEEKEND_OFF = "weekend_off"
    NIGHT_SPREAD = "night_spread"
    WEEKEND_SPREAD = "weekend_spread"
    INVALID_ENTRY = "invalid_entry"


def _on_grid(minutes: int) -> bool:
    return minutes % INTERVAL_MINUTES == 0


@dataclass(frozen=True)
class NightWindow:
    """Local clock window that counts as night (may wrap past midnight)."""

    start: time = time(22, 0)
    end: time = time(6, 0)


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift that can start on any day of the horizon at `start` local time."""

    name: str
    start: time
    length_minutes: int
    kind: ShiftKind

    def __post_init__(self) -> None:
        if not _on_grid(self.start.hour * 60 + self.start.minute) or self.start.second or self.start.microsecond:
            raise ValueError(f"shift {self.name!r} must start on a {INTERVAL_MINUTES}-minute boundary")
        if not (0 < self.length_minutes <= MAX_SHIFT_MINUTES and _on_grid(self.length_minutes)):
            raise ValueError(f"shift {self.name!r} length must be a positive multiple of {INTERVAL_MINUTES} min")

    @property
    def start_minute(self) -> int:
        """Minutes after local midnight of the day the shift starts."""
        return self.start.hour * 60 + self.start.minute


@dataclass(frozen=True)
class Agent:
    """A person to schedule; contract bounds are hard, preferences soft."""

    id: str
    name: str
    line: Line
    contract_hours: float
    skills: frozenset[str] = frozenset()
    hours_below: float = 4.0
    hours_above: float = 4.0
    hourly_cost: float = 1.0
    unavailable: frozenset[date] = frozenset()
    preferred_shifts: frozenset[str] = frozenset()
    preferred_days_off: frozenset[date] = frozenset()
    preferred_weekdays_off: frozenset[int] = frozenset()

    @property
    def min_weekly_hours(self) -> float:
        return max(0.0, self.contract_hours - self.hours_below)

    @property
    def max_weekly_hours(self) -> float:
        return self.contract_hours + self.hours_above


@dataclass(frozen=True)
class Horizon:
    """Whole weeks from `start` (any weekday); weeks are 7-day blocks from it."""

    start: date
    weeks: int

    def __post_init__(self) -> None:
        if not 1 <= self.weeks <= 6:
            raise ValueError("the planning horizon must be 1 to 6 weeks")

    @property
    def num_days(self) -> int:
        return 7 * self.weeks

    @property
    def num_intervals(self) -> int:
        return self.num_days * INTERVALS_PER_DAY

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=offset) for offset in range(self.num_days))

    @property
    def end(self) -> date:
        """First day after the horizon."""
        return self.start + timedelta(days=self.num_days)


@dataclass(frozen=True)
class StaffingRequirement:
    """Agents needed per 30-minute interval of the horizon (index 0 = start 00:00).

    `by_line` and `by_skill` are optional extra floors: only agents of that line
    (or with that skill) count toward them; everyone counts toward `total`.
    """

    total: tuple[int, ...]
    by_line: Mapping[Line, tuple[int, ...]] = field(default_factory=dict)
    by_skill: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def validate(self, horizon: Horizon) -> None:
        series = [self.total, *self.by_line.values(), *self.by_skill.values()]
        for values in series:
            if len(values) != horizon.num_intervals:
                raise ValueError(f"requirement has {len(values)} intervals, horizon has {horizon.num_intervals}")
            if any(value < 0 for value in values):
                raise ValueError("requirement values must not be negative")


@dataclass(frozen=True)
class LabourRules:
    """All labour rules; `None` switches an optional rule off."""

    night_window: NightWindow = NightWindow()
    night_shift_min_minutes: int = 180
    one_shift_per_day: bool = True
    no_consecutive_nights: bool = True
    min_rest_minutes: int | None = 11 * 60
    enforce_weekly_hours: bool = True
    max_consecutive_days: int | None = 6
    weekend_off_every_weeks: int | None = 4
    night_premium: float = 0.25
    max_night_spread: int | None = None
    max_weekend_spread: int | None = None


@dataclass(frozen=True)
class ObjectiveWeights:
    """Integer weights of the objective terms (see docs/workforce-schedule.md)."""

    shortfall_per_interval: int = 1000
    cost_per_hour: int = 100
    night_spread: int = 200
    weekend_spread: int = 200
    preference: int = 50


@dataclass(frozen=True)
class ScheduleProblem:
    horizon: Horizon
    agents: tuple[Agent, ...]
    templates: tuple[ShiftTemplate, ...]
    requirement: StaffingRequirement
    rules: LabourRules = LabourRules()
    weights: ObjectiveWeights = ObjectiveWeights()

    def validate(self) -> None:
        """Reject malformed input (bad data, not infeasible rules) with ValueError."""
        self.requirement.validate(self.horizon)
        if len({agent.id for agent in self.agents}) != len(self.agents):
            raise ValueError("agent ids must be unique")
        if len({template.name for template in self.templates}) != len(self.templates):
            raise ValueError("shift template names must be unique")
        if not self.templates:
            raise ValueError("at least one shift template is needed")


@dataclass(frozen=True, order=True)
class Assignment:
    """Agent works shift template `shift` starting on local date `day`."""

    agent_id: str
    day: date
    shift: str


@dataclass(frozen=True)
class Schedule:
    assignments: tuple[Assignment, ...]

    def for_agent(self, agent_id: str) -> tuple[Assignment, ...]:
        return tuple(sorted(item for item in self.assignments if item.agent_id == agent_id))

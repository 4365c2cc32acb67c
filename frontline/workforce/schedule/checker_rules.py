"""One check per labour rule, over one agent's shifts as real datetimes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from frontline.workforce.schedule.messages import message
from frontline.workforce.schedule.model import Agent, RuleFamily, ScheduleProblem

EPSILON_HOURS = 1e-6


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, whose schedule (None = the whole team), which dates."""

    rule: RuleFamily
    agent_id: str | None
    dates: tuple[date, ...]
    message: str


@dataclass(frozen=True)
class WorkedShift:
    """One scheduled shift resolved to local datetimes."""

    agent: Agent
    day: date
    shift: str
    start: datetime
    end: datetime
    night_hours: float
    is_night: bool

    @property
    def label(self) -> str:
        return f"{self.shift} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}"


def _format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def check_agent(agent: Agent, shifts: list[WorkedShift], problem: ScheduleProblem) -> list[Violation]:
    """Every per-agent rule the problem switches on; `shifts` sorted by start."""
    rules = problem.rules
    found = _overlaps(agent, shifts) + _unavailable(agent, shifts)
    if rules.one_shift_per_day:
        found += _shifts_per_day(agent, shifts)
    if rules.min_rest_minutes is not None:
        found += _rest(agent, shifts, timedelta(minutes=rules.min_rest_minutes))
    if rules.no_consecutive_nights:
        found += _consecutive_nights(agent, shifts)
    if rules.enforce_weekly_hours:
        found += _weekly_hours(agent, shifts, problem)
    if rules.max_consecutive_days is not None:
        found += _consecutive_days(agent, shifts, rules.max_consecutive_days)
    if rules.weekend_off_every_weeks is not None:
        found += _weekends(agent, shifts, problem, rules.weekend_off_every_weeks)
    return found


def _overlaps(agent: Agent, shifts: list[WorkedShift]) -> list[Violation]:
    found = []
    for i, first in enumerate(shifts):
        for second in shifts[i + 1 :]:
            if second.start < first.end:
                text = message("overlap", agent=agent.name, first=first.label, second=second.label)
                found.append(Violation(RuleFamily.INVALID_ENTRY, agent.id, (first.day, second.day), text))
    return found


def _unavailable(agent: Agent, shifts: list[WorkedShift]) -> list[Violation]:
    return [
        Violation(
            RuleFamily.UNAVAILABLE_DAY,
            agent.id,
            (shift.day,),
            message("unavailable", agent=agent.name, day=shift.day, shift=shift.shift),
        )
        for shift in shifts
        if shift.day in agent.unavailable
    ]


def _shifts_per_day(agent: Agent, shifts: list[WorkedShift]) -> list[Violation]:
    per_day = Counter(shift.day for shift in shifts)
    return [
        Violation(
            RuleFamily.ONE_SHIFT_PER_DAY,
            agent.id,
            (day,),
            message("two_shifts", agent=agent.name, count=count, day=day),
        )
        for day, count in sorted(per_day.items())
        if count > 1
    ]


def _rest(agent: Agent, shifts: list[WorkedShift], minimum: timedelta) -> list[Violation]:
    """Rest from the end of each shift to the start of the next one that does not overlap it."""
    found = []
    for previous, following in pairwise(shifts):
        rest = following.start - previous.end
        if timedelta() <= rest < minimum:
            text = message(
                "short_rest",
                agent=agent.name,
                rest=_format_duration(rest),
                first=previous.label,
                second=following.label,
                minimum=_format_duration(minimum),
            )
            found.append(Violation(RuleFamily.MIN_REST, agent.id, (previous.day, following.day), text))
    return found


def _consecutive_nights(agent: Agent, shifts: list[WorkedShift]) -> list[Violation]:
    night_days = sorted({shift.day for shift in shifts if shift.is_night})
    return [
        Violation(
            RuleFamily.CONSECUTIVE_NIGHTS,
            agent.id,
            (first, second),
            message("two_nights", agent=agent.name, first=first, second=second),
        )
        for first, second in pairwise(night_days)
        if second - first == timedelta(days=1)
    ]


def _weekly_hours(agent: Agent, shifts: list[WorkedShift], problem: ScheduleProblem) -> list[Violation]:
    """Hours count in the week in which the shift starts; weeks are 7-day blocks from the horizon start."""
    found = []
    start = problem.horizon.start
    for week in range(problem.horizon.weeks):
        week_start = start + timedelta(days=7 * week)
        week_end = week_start + timedelta(days=7)
        hours = sum((s.end - s.start).total_seconds() / 3600 for s in shifts if week_start <= s.day < week_end)
        dates = tuple(week_start + timedelta(days=offset) for offset in range(7))
        if hours > agent.max_weekly_hours + EPSILON_HOURS:
            text = message("week_over", agent=agent.name, hours=hours, week=week_start, limit=agent.max_weekly_hours)
            found.append(Violation(RuleFamily.WEEKLY_MAX_HOURS, agent.id, dates, text))
        if hours < agent.min_weekly_hours - EPSILON_HOURS:
            text = message("week_under", agent=agent.name, hours=hours, week=week_start, limit=agent.min_weekly_hours)
            found.append(Violation(RuleFamily.WEEKLY_MIN_HOURS, agent.id, dates, text))
    return found


def _runs(days: list[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _consecutive_days(agent: Agent, shifts: list[WorkedShift], limit: int) -> list[Violation]:
    found = []
    for run in _runs(sorted({shift.day for shift in shifts})):
        if len(run) > limit:
            text = message("too_many_days", agent=agent.name, count=len(run), first=run[0], last=run[-1], limit=limit)
            found.append(Violation(RuleFamily.MAX_CONSECUTIVE_DAYS, agent.id, tuple(run), text))
    return found


def _weekends(agent: Agent, shifts: list[WorkedShift], problem: ScheduleProblem, every: int) -> list[Violation]:
    """A weekend is off when no shift overlaps Saturday 00:00 to Monday 00:00."""
    horizon = problem.horizon
    saturdays = [day for day in horizon.days if day.weekday() == 5 and day + timedelta(days=1) < horizon.end]
    free = []
    for saturday in saturdays:
        weekend_from = datetime.combine(saturday, datetime.min.time())
        weekend_to = weekend_from + timedelta(days=2)
        free.append(not any(s.start < weekend_to and s.end > weekend_from for s in shifts))
    found = []
    for first in range(len(saturdays) - every + 1):
        if not any(free[first : first + every]):
            window = saturdays[first : first + every]
            dates = tuple(day + timedelta(days=offset) for day in window for offset in (0, 1))
            text = message("no_weekend_off", agent=agent.name, count=every, first=window[0], last=dates[-1])
            found.append(Violation(RuleFamily.WEEKEND_OFF, agent.id, dates, text))
    return found


def check_spreads(nights: dict[str, int], weekends: dict[str, int], problem: ScheduleProblem) -> list[Violation]:
    """Team-level fairness caps, when set: highest minus lowest count across agents."""
    names = {agent.id: agent.name for agent in problem.agents}
    found = []
    checks = (
        (RuleFamily.NIGHT_SPREAD, "Night shifts", nights, problem.rules.max_night_spread),
        (RuleFamily.WEEKEND_SPREAD, "Weekend shifts", weekends, problem.rules.max_weekend_spread),
    )
    for rule, what, counts, limit in checks:
        if limit is None or not counts:
            continue
        high_id, low_id = max(counts, key=lambda k: counts[k]), min(counts, key=lambda k: counts[k])
        spread = counts[high_id] - counts[low_id]
        if spread > limit:
            text = message(
                "spread",
                what=what,
                high_agent=names[high_id],
                high=counts[high_id],
                low_agent=names[low_id],
                low=counts[low_id],
                spread=spread,
                limit=limit,
            )
            found.append(Violation(rule, None, (), text))
    return found

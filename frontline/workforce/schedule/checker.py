"""Independent checker of a schedule, e.g. one a manager edited by hand.

Written separately from the solver on purpose: it shares only the dataclasses
of `model.py`, works with real datetimes instead of minute offsets, and checks
every rule on its own, so a bug in the CP model shows up as a violation here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from frontline.workforce.schedule import checker_rules
from frontline.workforce.schedule.checker_rules import Violation, WorkedShift
from frontline.workforce.schedule.messages import message
from frontline.workforce.schedule.model import (
    INTERVAL_MINUTES,
    Agent,
    Line,
    NightWindow,
    RuleFamily,
    Schedule,
    ScheduleProblem,
    ShiftKind,
)

__all__ = ["CheckReport", "Violation", "check_schedule", "night_hours"]


@dataclass(frozen=True)
class CheckReport:
    """Violations plus per-interval coverage and the figures a planner looks at."""

    violations: tuple[Violation, ...]
    required: tuple[int, ...]
    scheduled: tuple[int, ...]
    shortfall: tuple[int, ...]
    group_shortfall: dict[str, tuple[int, ...]] = field(default_factory=dict)
    cost: float = 0.0
    night_hours: dict[str, float] = field(default_factory=dict)
    night_shifts: dict[str, int] = field(default_factory=dict)
    weekend_shifts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def total_shortfall(self) -> int:
        return sum(self.shortfall) + sum(sum(series) for series in self.group_shortfall.values())

    @property
    def night_spread(self) -> int:
        return _spread(self.night_shifts)

    @property
    def weekend_spread(self) -> int:
        return _spread(self.weekend_shifts)

    def of_rule(self, rule: RuleFamily) -> list[Violation]:
        return [violation for violation in self.violations if violation.rule == rule]


def _spread(counts: dict[str, int]) -> int:
    return max(counts.values()) - min(counts.values()) if counts else 0


def night_hours(start: datetime, end: datetime, window: NightWindow) -> float:
    """Hours of [start, end) inside the nightly window, walking calendar days."""
    if window.start == window.end:
        return 0.0
    total = timedelta()
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        night_from = datetime.combine(day, window.start)
        night_to = datetime.combine(day if window.end > window.start else day + timedelta(days=1), window.end)
        overlap = min(end, night_to) - max(start, night_from)
        if overlap > timedelta():
            total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def _resolve(schedule: Schedule, problem: ScheduleProblem) -> tuple[list[WorkedShift], list[Violation]]:
    """Turn rows into datetimes; rows naming unknown things become violations."""
    agents = {agent.id: agent for agent in problem.agents}
    templates = {template.name: template for template in problem.templates}
    horizon = problem.horizon
    worked, invalid = [], []
    for row, item in enumerate(schedule.assignments, start=1):
        agent, template = agents.get(item.agent_id), templates.get(item.shift)
        if agent is None:
            text = message("unknown_agent", row=row, agent=item.agent_id)
        elif template is None:
            text = message("unknown_shift", row=row, agent=agent.name, shift=item.shift)
        elif not horizon.start <= item.day < horizon.end:
            text = message("outside_horizon", row=row, agent=agent.name, day=item.day)
        else:
            start = datetime.combine(item.day, template.start)
            end = start + timedelta(minutes=template.length_minutes)
            hours_at_night = night_hours(start, end, problem.rules.night_window)
            is_night = template.kind == ShiftKind.NIGHT or hours_at_night * 60 >= problem.rules.night_shift_min_minutes
            worked.append(WorkedShift(agent, item.day, template.name, start, end, hours_at_night, is_night))
            continue
        invalid.append(Violation(RuleFamily.INVALID_ENTRY, item.agent_id, (item.day,), text))
    return worked, invalid


def _coverage(worked: list[WorkedShift], problem: ScheduleProblem, who: list[Agent]) -> list[int]:
    horizon = problem.horizon
    origin = datetime.combine(horizon.start, datetime.min.time())
    covered = [0] * horizon.num_intervals
    ids = {agent.id for agent in who}
    step = timedelta(minutes=INTERVAL_MINUTES)
    for shift in worked:
        if shift.agent.id not in ids:
            continue
        moment = shift.start
        while moment < shift.end:
            index = int((moment - origin) / step)
            if 0 <= index < len(covered):
                covered[index] += 1
            moment += step
    return covered


def _shortfall(required: tuple[int, ...], covered: list[int]) -> tuple[int, ...]:
    return tuple(max(0, need - have) for need, have in zip(required, covered, strict=True))


def _group_shortfalls(worked: list[WorkedShift], problem: ScheduleProblem) -> dict[str, tuple[int, ...]]:
    groups: dict[str, tuple[int, ...]] = {}
    lines: dict[Line, tuple[int, ...]] = dict(problem.requirement.by_line)
    for line, required in lines.items():
        members = [agent for agent in problem.agents if agent.line == line]
        groups[f"line:{line}"] = _shortfall(tuple(required), _coverage(worked, problem, members))
    for skill, required in problem.requirement.by_skill.items():
        members = [agent for agent in problem.agents if skill in agent.skills]
        groups[f"skill:{skill}"] = _shortfall(tuple(required), _coverage(worked, problem, members))
    return groups


def _counts(worked: list[WorkedShift], problem: ScheduleProblem) -> tuple[dict[str, int], dict[str, int]]:
    nights: dict[str, int] = {agent.id: 0 for agent in problem.agents}
    weekends: dict[str, int] = {agent.id: 0 for agent in problem.agents}
    for shift in worked:
        nights[shift.agent.id] += shift.is_night
        weekends[shift.agent.id] += shift.day.weekday() >= 5
    return nights, weekends


def check_schedule(schedule: Schedule, problem: ScheduleProblem) -> CheckReport:
    """All rule violations of `schedule`, its coverage shortfall per interval and its cost."""
    problem.requirement.validate(problem.horizon)
    worked, violations = _resolve(schedule, problem)
    per_agent: dict[str, list[WorkedShift]] = defaultdict(list)
    for shift in worked:
        per_agent[shift.agent.id].append(shift)
    for agent in problem.agents:
        shifts = sorted(per_agent[agent.id], key=lambda shift: (shift.start, shift.end, shift.shift))
        violations.extend(checker_rules.check_agent(agent, shifts, problem))
    nights, weekends = _counts(worked, problem)
    violations.extend(checker_rules.check_spreads(nights, weekends, problem))
    required = tuple(problem.requirement.total)
    covered = _coverage(worked, problem, list(problem.agents))
    premium = problem.rules.night_premium
    night_by_agent: dict[str, float] = {agent.id: 0.0 for agent in problem.agents}
    cost = 0.0
    for shift in worked:
        hours = (shift.end - shift.start).total_seconds() / 3600
        cost += shift.agent.hourly_cost * (hours + premium * shift.night_hours)
        night_by_agent[shift.agent.id] += shift.night_hours
    return CheckReport(
        violations=tuple(violations),
        required=required,
        scheduled=tuple(covered),
        shortfall=_shortfall(required, covered),
        group_shortfall=_group_shortfalls(worked, problem),
        cost=cost,
        night_hours=night_by_agent,
        night_shifts=nights,
        weekend_shifts=weekends,
    )

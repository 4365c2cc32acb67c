"""Hard labour rules of the CP model, one function per rule family."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from frontline.workforce.schedule.geometry import DAY_MINUTES, gap_minutes
from frontline.workforce.schedule.model import RuleFamily

if TYPE_CHECKING:
    from frontline.workforce.schedule.cpmodel import ModelBuilder

SATURDAY, SUNDAY = 5, 6


def _conflicts(builder: ModelBuilder, min_rest: int) -> dict[int, list[tuple[int, int]]]:
    """For each template: (day gap, template) pairs whose gap after it is below `min_rest`."""
    geometry = builder.built.geometry
    longest = max(g.end for g in geometry)
    max_gap_days = (longest + max(min_rest, 0)) // DAY_MINUTES + 1
    found: dict[int, list[tuple[int, int]]] = {t: [] for t in range(len(geometry))}
    for t1, first in enumerate(geometry):
        for day_gap in range(0, max_gap_days + 1):
            for t2, second in enumerate(geometry):
                if day_gap == 0 and (second.start, t2) <= (first.start, t1):
                    continue
                if gap_minutes(first, second, day_gap) < min_rest:
                    found[t1].append((day_gap, t2))
    return found


def _forbid_after(builder: ModelBuilder, pairs: dict[int, list[tuple[int, int]]], family: RuleFamily | None) -> None:
    """x[a,d,t1] implies none of the conflicting (d+gap, t2) shifts."""
    built = builder.built
    for (a, d, t1), var in built.x.items():
        others = [built.x[a, d + gap, t2] for gap, t2 in pairs[t1] if d + gap < built.num_days]
        if not others:
            continue
        constraint = builder.model.add(sum(others) == 0)
        if family is None:
            constraint.only_enforce_if(var)
        else:
            builder.guard(constraint, family, var)


def add_structural(builder: ModelBuilder) -> None:
    """A person cannot work two overlapping shifts, whatever the rules say."""
    _forbid_after(builder, _conflicts(builder, 0), None)


def add_rules(builder: ModelBuilder) -> None:
    adders = {
        RuleFamily.ONE_SHIFT_PER_DAY: _one_shift_per_day,
        RuleFamily.UNAVAILABLE_DAY: _unavailable,
        RuleFamily.MIN_REST: _min_rest,
        RuleFamily.CONSECUTIVE_NIGHTS: _consecutive_nights,
        RuleFamily.WEEKLY_MIN_HOURS: _weekly_min_hours,
        RuleFamily.WEEKLY_MAX_HOURS: _weekly_max_hours,
        RuleFamily.MAX_CONSECUTIVE_DAYS: _max_consecutive_days,
        RuleFamily.WEEKEND_OFF: _weekend_off,
        RuleFamily.NIGHT_SPREAD: _night_spread_cap,
        RuleFamily.WEEKEND_SPREAD: _weekend_spread_cap,
    }
    for family in sorted(builder.enforced):
        adders[family](builder)


def _one_shift_per_day(builder: ModelBuilder) -> None:
    for a in range(len(builder.problem.agents)):
        for d in range(builder.built.num_days):
            builder.guard(builder.model.add(sum(builder.day_vars(a, d)) <= 1), RuleFamily.ONE_SHIFT_PER_DAY)


def _unavailable(builder: ModelBuilder) -> None:
    horizon = builder.problem.horizon
    for a, agent in enumerate(builder.problem.agents):
        for day in agent.unavailable:
            d = (day - horizon.start).days
            if 0 <= d < horizon.num_days:
                builder.guard(builder.model.add(builder.built.work[a, d] == 0), RuleFamily.UNAVAILABLE_DAY)


def _min_rest(builder: ModelBuilder) -> None:
    rest = builder.problem.rules.min_rest_minutes or 0
    overlap = _conflicts(builder, 0)
    short_rest = _conflicts(builder, rest)
    only_rest = {t: [pair for pair in pairs if pair not in overlap[t]] for t, pairs in short_rest.items()}
    _forbid_after(builder, only_rest, RuleFamily.MIN_REST)


def night_templates(builder: ModelBuilder) -> list[int]:
    return [t for t, geometry in enumerate(builder.built.geometry) if geometry.is_night]


def _consecutive_nights(builder: ModelBuilder) -> None:
    nights = night_templates(builder)
    built = builder.built
    for a in range(len(builder.problem.agents)):
        for d in range(built.num_days - 1):
            for t in nights:
                constraint = builder.model.add(sum(builder.day_vars(a, d + 1, nights)) == 0)
                builder.guard(constraint, RuleFamily.CONSECUTIVE_NIGHTS, built.x[a, d, t])


def week_minutes(builder: ModelBuilder, agent: int, week: int) -> cp_model.LinearExpr:
    built = builder.built
    keys = [(d, t) for d in range(7 * week, 7 * week + 7) for t in range(len(built.geometry))]
    return cp_model.LinearExpr.weighted_sum(
        [built.x[agent, d, t] for d, t in keys], [built.geometry[t].length for _d, t in keys]
    )


def _weekly_min_hours(builder: ModelBuilder) -> None:
    for a, agent in enumerate(builder.problem.agents):
        least = math.ceil(agent.min_weekly_hours * 60 - 1e-6)
        for week in range(builder.problem.horizon.weeks):
            minutes = week_minutes(builder, a, week)
            if builder.elastic:
                under = builder.model.new_int_var(0, math.ceil(least / 30), f"under_{a}_{week}")
                builder.built.under_hours[a, week] = under
                minutes = minutes + 30 * under
            builder.guard(builder.model.add(minutes >= least), RuleFamily.WEEKLY_MIN_HOURS)


def _weekly_max_hours(builder: ModelBuilder) -> None:
    for a, agent in enumerate(builder.problem.agents):
        most = math.floor(agent.max_weekly_hours * 60 + 1e-6)
        for week in range(builder.problem.horizon.weeks):
            constraint = builder.model.add(week_minutes(builder, a, week) <= most)
            builder.guard(constraint, RuleFamily.WEEKLY_MAX_HOURS)


def _max_consecutive_days(builder: ModelBuilder) -> None:
    limit = builder.problem.rules.max_consecutive_days or 0
    work = builder.built.work
    for a in range(len(builder.problem.agents)):
        for first in range(builder.built.num_days - limit):
            window = [work[a, d] for d in range(first, first + limit + 1)]
            builder.guard(builder.model.add(sum(window) <= limit), RuleFamily.MAX_CONSECUTIVE_DAYS)


def weekend_saturdays(builder: ModelBuilder) -> list[int]:
    """Day indices of Saturdays whose Sunday is inside the horizon too."""
    horizon = builder.problem.horizon
    return [d for d in range(horizon.num_days - 1) if (horizon.start + timedelta(days=d)).weekday() == SATURDAY]


def _weekend_touching(builder: ModelBuilder, agent: int, saturday: int) -> list[cp_model.IntVar]:
    """Shifts of `agent` overlapping Saturday 00:00 to Monday 00:00."""
    built = builder.built
    friday_late = [t for t, g in enumerate(built.geometry) if g.end > DAY_MINUTES]
    return [
        *builder.day_vars(agent, saturday - 1, friday_late),
        *builder.day_vars(agent, saturday),
        *builder.day_vars(agent, saturday + 1),
    ]


def _weekend_off(builder: ModelBuilder) -> None:
    every = builder.problem.rules.weekend_off_every_weeks or 1
    saturdays = weekend_saturdays(builder)
    if len(saturdays) < every:
        return
    for a in range(len(builder.problem.agents)):
        off = []
        for k, saturday in enumerate(saturdays):
            free = builder.model.new_bool_var(f"weekend_off_{a}_{k}")
            builder.model.add(sum(_weekend_touching(builder, a, saturday)) == 0).only_enforce_if(free)
            off.append(free)
        for first in range(len(saturdays) - every + 1):
            builder.guard(builder.model.add(sum(off[first : first + every]) >= 1), RuleFamily.WEEKEND_OFF)


def spread_variables(builder: ModelBuilder, which: str) -> tuple[cp_model.IntVar, cp_model.IntVar]:
    """(highest, lowest) per-agent count of night or weekend shifts, created once."""
    built = builder.built
    if which in built.spreads:
        return built.spreads[which]
    if which == "night":
        picked = [(d, t) for d in range(built.num_days) for t in night_templates(builder)]
    else:
        days = builder.problem.horizon.days
        weekend_days = [d for d in range(built.num_days) if days[d].weekday() >= SATURDAY]
        picked = [(d, t) for d in weekend_days for t in range(len(built.geometry))]
    high = builder.model.new_int_var(0, built.num_days, f"{which}_max")
    low = builder.model.new_int_var(0, built.num_days, f"{which}_min")
    for a in range(len(builder.problem.agents)):
        count = sum(built.x[a, d, t] for d, t in picked)
        builder.model.add(high >= count)
        builder.model.add(low <= count)
    built.spreads[which] = (high, low)
    return high, low


def _night_spread_cap(builder: ModelBuilder) -> None:
    high, low = spread_variables(builder, "night")
    cap = builder.problem.rules.max_night_spread or 0
    builder.guard(builder.model.add(high - low <= cap), RuleFamily.NIGHT_SPREAD)


def _weekend_spread_cap(builder: ModelBuilder) -> None:
    high, low = spread_variables(builder, "weekend")
    cap = builder.problem.rules.max_weekend_spread or 0
    builder.guard(builder.model.add(high - low <= cap), RuleFamily.WEEKEND_SPREAD)

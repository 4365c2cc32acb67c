"""Coverage (with soft shortfall per interval) and the weighted objective."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from frontline.workforce.schedule.cprules import spread_variables
from frontline.workforce.schedule.model import Agent, ScheduleProblem

if TYPE_CHECKING:
    from frontline.workforce.schedule.cpmodel import ModelBuilder

TOTAL_GROUP = "total"
ELASTIC_WEIGHT_FACTOR = 10


def requirement_groups(problem: ScheduleProblem) -> list[tuple[str, list[int], Sequence[int]]]:
    """(group name, indices of agents who count, required per interval) for each requirement series."""
    agents = problem.agents
    groups: list[tuple[str, list[int], Sequence[int]]] = [
        (TOTAL_GROUP, list(range(len(agents))), problem.requirement.total)
    ]
    for line, series in problem.requirement.by_line.items():
        groups.append((f"line:{line}", [a for a, agent in enumerate(agents) if agent.line == line], series))
    for skill, series in problem.requirement.by_skill.items():
        groups.append((f"skill:{skill}", [a for a, agent in enumerate(agents) if skill in agent.skills], series))
    return groups


def _contributions(builder: ModelBuilder) -> list[list[tuple[int, int]]]:
    """For each global interval, the (day, template) starts that cover it."""
    built = builder.built
    num_intervals = builder.problem.horizon.num_intervals
    covering: list[list[tuple[int, int]]] = [[] for _ in range(num_intervals)]
    for d in range(built.num_days):
        for t, geometry in enumerate(built.geometry):
            for interval in geometry.covered_intervals(d, num_intervals):
                covering[interval].append((d, t))
    return covering


def add_coverage(builder: ModelBuilder) -> None:
    built, model = builder.built, builder.model
    covering = _contributions(builder)
    for name, members, required in requirement_groups(builder.problem):
        if not any(required):
            continue
        counts = {}
        for d in range(built.num_days):
            for t in range(len(built.geometry)):
                count = model.new_int_var(0, len(members), f"n_{name}_{d}_{t}")
                model.add(count == sum(built.x[a, d, t] for a in members))
                counts[d, t] = count
        shortfall: dict[int, cp_model.IntVar] = {}
        for interval, need in enumerate(required):
            if need <= 0:
                continue
            missing = model.new_int_var(0, need, f"short_{name}_{interval}")
            model.add(sum(counts[key] for key in covering[interval]) + missing >= need)
            shortfall[interval] = missing
        if name == TOTAL_GROUP:
            built.shortfall = shortfall
        else:
            built.group_shortfall[name] = shortfall


def assignment_cost_units(builder: ModelBuilder, agent: Agent, template: int) -> int:
    """Integer objective cost of one shift: hours plus night premium, times the agent's rate."""
    geometry = builder.built.geometry[template]
    rules, weights = builder.problem.rules, builder.problem.weights
    paid_minutes = geometry.length + rules.night_premium * geometry.night_minutes
    return round(weights.cost_per_hour * agent.hourly_cost * paid_minutes / 60)


def _preference_penalties(builder: ModelBuilder) -> list[cp_model.IntVar]:
    built, horizon = builder.built, builder.problem.horizon
    penalised: list[cp_model.IntVar] = []
    for a, agent in enumerate(builder.problem.agents):
        for d, day in enumerate(horizon.days):
            if day in agent.preferred_days_off or day.weekday() in agent.preferred_weekdays_off:
                penalised.append(built.work[a, d])
            if agent.preferred_shifts:
                penalised.extend(
                    built.x[a, d, t]
                    for t, template in enumerate(builder.problem.templates)
                    if template.name not in agent.preferred_shifts
                )
    return penalised


def add_objective(builder: ModelBuilder) -> None:
    built, weights = builder.built, builder.problem.weights
    shortfall = sum(built.shortfall.values()) + sum(sum(group.values()) for group in built.group_shortfall.values())
    cost = sum(
        assignment_cost_units(builder, builder.problem.agents[a], t) * var for (a, _d, t), var in built.x.items()
    )
    night_high, night_low = spread_variables(builder, "night")
    weekend_high, weekend_low = spread_variables(builder, "weekend")
    parts: dict[str, cp_model.LinearExprT] = {
        "shortfall": weights.shortfall_per_interval * shortfall,
        "cost": cost,
        "night_spread": weights.night_spread * (night_high - night_low),
        "weekend_spread": weights.weekend_spread * (weekend_high - weekend_low),
        "preferences": weights.preference * sum(_preference_penalties(builder)),
        "under_hours": ELASTIC_WEIGHT_FACTOR * weights.shortfall_per_interval * sum(built.under_hours.values()),
    }
    built.objective_parts = parts
    builder.model.minimize(sum(parts.values()))

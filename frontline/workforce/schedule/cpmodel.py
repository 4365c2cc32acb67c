"""CP-SAT formulation: variables, hard labour rules, coverage and objective.

One boolean x[agent, day, template] per possible shift. Each labour-rule family
can be left out (to test relaxations) or guarded by a literal (for assumption
cores); the "no overlapping shifts for one person" constraint is physical and
is always on. Coverage shortfall is a soft variable per interval, so the model
is feasible whenever the hard rules are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from frontline.workforce.schedule import cpobjective, cprules
from frontline.workforce.schedule.geometry import ShiftGeometry, shift_geometry
from frontline.workforce.schedule.model import RuleFamily, ScheduleProblem

HARD_FAMILIES: tuple[RuleFamily, ...] = (
    RuleFamily.ONE_SHIFT_PER_DAY,
    RuleFamily.UNAVAILABLE_DAY,
    RuleFamily.MIN_REST,
    RuleFamily.CONSECUTIVE_NIGHTS,
    RuleFamily.WEEKLY_MIN_HOURS,
    RuleFamily.WEEKLY_MAX_HOURS,
    RuleFamily.MAX_CONSECUTIVE_DAYS,
    RuleFamily.WEEKEND_OFF,
    RuleFamily.NIGHT_SPREAD,
    RuleFamily.WEEKEND_SPREAD,
)

Key = tuple[int, int, int]  # agent index, day index, template index


def active_families(problem: ScheduleProblem) -> frozenset[RuleFamily]:
    """Hard rule families that the problem's LabourRules switch on."""
    rules = problem.rules
    switched = {
        RuleFamily.ONE_SHIFT_PER_DAY: rules.one_shift_per_day,
        RuleFamily.UNAVAILABLE_DAY: True,
        RuleFamily.MIN_REST: rules.min_rest_minutes is not None,
        RuleFamily.CONSECUTIVE_NIGHTS: rules.no_consecutive_nights,
        RuleFamily.WEEKLY_MIN_HOURS: rules.enforce_weekly_hours,
        RuleFamily.WEEKLY_MAX_HOURS: rules.enforce_weekly_hours,
        RuleFamily.MAX_CONSECUTIVE_DAYS: rules.max_consecutive_days is not None,
        RuleFamily.WEEKEND_OFF: rules.weekend_off_every_weeks is not None,
        RuleFamily.NIGHT_SPREAD: rules.max_night_spread is not None,
        RuleFamily.WEEKEND_SPREAD: rules.max_weekend_spread is not None,
    }
    return frozenset(family for family, on in switched.items() if on)


@dataclass
class BuiltModel:
    """The CP-SAT model plus the handles needed to read a solution back."""

    model: cp_model.CpModel
    problem: ScheduleProblem
    geometry: tuple[ShiftGeometry, ...]
    x: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    literals: dict[RuleFamily, cp_model.IntVar] = field(default_factory=dict)
    shortfall: dict[int, cp_model.IntVar] = field(default_factory=dict)
    group_shortfall: dict[str, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    under_hours: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    spreads: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)
    objective_parts: dict[str, cp_model.LinearExprT] = field(default_factory=dict)

    @property
    def num_days(self) -> int:
        return self.problem.horizon.num_days


class ModelBuilder:
    def __init__(self, problem: ScheduleProblem, enforced: Iterable[RuleFamily], use_literals: bool, elastic: bool):
        self.problem = problem
        self.enforced = frozenset(enforced)
        self.use_literals = use_literals
        self.elastic = elastic
        geometry = tuple(shift_geometry(template, problem.rules) for template in problem.templates)
        self.built = BuiltModel(cp_model.CpModel(), problem, geometry)
        self.model = self.built.model

    def guard(self, constraint: cp_model.Constraint, family: RuleFamily, *extra: cp_model.IntVar) -> None:
        enforcement = list(extra)
        if self.use_literals:
            enforcement.append(self.built.literals[family])
        if enforcement:
            constraint.only_enforce_if(enforcement)

    def build(self) -> BuiltModel:
        self._variables()
        for family in sorted(self.enforced):
            if self.use_literals:
                self.built.literals[family] = self.model.new_bool_var(f"enforce_{family}")
        cprules.add_structural(self)
        cprules.add_rules(self)
        cpobjective.add_coverage(self)
        cpobjective.add_objective(self)
        return self.built

    def _variables(self) -> None:
        problem, built = self.problem, self.built
        for a in range(len(problem.agents)):
            for d in range(built.num_days):
                day_vars = []
                for t in range(len(problem.templates)):
                    var = self.model.new_bool_var(f"x_{a}_{d}_{t}")
                    built.x[a, d, t] = var
                    day_vars.append(var)
                work = self.model.new_bool_var(f"work_{a}_{d}")
                if RuleFamily.ONE_SHIFT_PER_DAY in self.enforced and not self.use_literals:
                    self.model.add(work == sum(day_vars))  # also enforces at most one shift per day
                else:
                    self.model.add_max_equality(work, day_vars)
                built.work[a, d] = work

    def day_vars(self, agent: int, day: int, templates: Sequence[int] | None = None) -> list[cp_model.IntVar]:
        if not 0 <= day < self.built.num_days:
            return []
        indices = range(len(self.problem.templates)) if templates is None else templates
        return [self.built.x[agent, day, t] for t in indices]


def build_model(
    problem: ScheduleProblem,
    enforced: Iterable[RuleFamily] | None = None,
    *,
    use_literals: bool = False,
    elastic_min_hours: bool = False,
) -> BuiltModel:
    """Build the CP model with the given hard rule families (default: all active ones).

    `use_literals` guards every rule family by a boolean in `BuiltModel.literals`
    (for assumptions); `elastic_min_hours` turns weekly minimum hours into a
    heavily penalised soft constraint so the model always has a solution.
    """
    families = active_families(problem) if enforced is None else frozenset(enforced) & active_families(problem)
    return ModelBuilder(problem, families, use_literals, elastic_min_hours).build()

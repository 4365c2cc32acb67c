"""Solve a scheduling problem with CP-SAT and report the schedule and its coverage.

The solve is always time-limited. If the hard labour rules contradict each
other, a second, elastic solve (weekly minimum hours become a heavily
penalised soft constraint) still yields the best schedule it can, with status
INFEASIBLE; `explain.py` says which rules are to blame.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ortools.sat.python import cp_model

from frontline.workforce.schedule.cpmodel import BuiltModel, build_model
from frontline.workforce.schedule.cpobjective import TOTAL_GROUP, requirement_groups
from frontline.workforce.schedule.model import Assignment, RuleFamily, Schedule, ScheduleProblem

ELASTIC_MIN_SHARE = 0.2


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SolveResult:
    """Schedule plus per-interval figures (index 0 = horizon start 00:00).

    `solve_seconds` is the whole call; `first_solution_seconds` is on the CP-SAT
    clock of the last solver run (add `build_seconds` for time since the call).
    """

    schedule: Schedule
    status: SolveStatus
    objective: float | None
    best_bound: float | None
    solve_seconds: float
    first_solution_seconds: float | None
    required: tuple[int, ...]
    scheduled: tuple[int, ...]
    shortfall: tuple[int, ...]
    group_shortfall: dict[str, tuple[int, ...]] = field(default_factory=dict)
    cost: float = 0.0
    build_seconds: float = 0.0
    under_hours: dict[tuple[str, int], float] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.best_bound is None:
            return None
        return abs(self.objective - self.best_bound) / max(1.0, abs(self.objective))

    @property
    def total_shortfall(self) -> int:
        """Missing agent-intervals, over the total and the per-line/skill requirements."""
        return sum(self.shortfall) + sum(sum(series) for series in self.group_shortfall.values())


class _FirstSolutionTimer(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


@dataclass
class SolverRun:
    """Raw outcome of one CP-SAT call, used by the solver and by explanations."""

    built: BuiltModel
    solver: cp_model.CpSolver
    status: SolveStatus
    first_solution_seconds: float | None

    @property
    def has_solution(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


def run_model(
    built: BuiltModel, *, time_limit_s: float, num_workers: int, random_seed: int = 0, presolve: bool = True
) -> SolverRun:
    """Solve `built` once within the time limit and map the status."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = max(1, num_workers)
    solver.parameters.random_seed = random_seed
    solver.parameters.cp_model_presolve = presolve
    timer = _FirstSolutionTimer(time.perf_counter())
    raw = solver.solve(built.model, timer)
    if raw == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP model: {built.model.validate()}")
    return SolverRun(built, solver, _STATUS[raw], timer.first)


def solve(
    problem: ScheduleProblem,
    *,
    time_limit_s: float = 30.0,
    num_workers: int = 2,
    random_seed: int = 0,
    enforced: Iterable[RuleFamily] | None = None,
) -> SolveResult:
    """Best schedule within `time_limit_s` (an infeasible fallback may add 20 % more).

    `enforced` restricts the hard rule families (default: all the rules switch on).
    """
    problem.validate()
    started = time.perf_counter()
    built = build_model(problem, enforced)
    build_seconds = time.perf_counter() - started
    run = run_model(built, time_limit_s=time_limit_s, num_workers=num_workers, random_seed=random_seed)
    if run.status != SolveStatus.INFEASIBLE:
        return replace(result_from_run(run, run.status, time.perf_counter() - started), build_seconds=build_seconds)
    remaining = max(time_limit_s - (time.perf_counter() - started), ELASTIC_MIN_SHARE * time_limit_s)
    elastic = run_model(
        build_model(problem, enforced, elastic_min_hours=True),
        time_limit_s=remaining,
        num_workers=num_workers,
        random_seed=random_seed,
    )
    result = result_from_run(elastic, SolveStatus.INFEASIBLE, time.perf_counter() - started)
    return replace(result, build_seconds=build_seconds)


def _assignments(run: SolverRun) -> Schedule:
    problem, solver = run.built.problem, run.solver
    days = problem.horizon.days
    chosen = [
        Assignment(problem.agents[a].id, days[d], problem.templates[t].name)
        for (a, d, t), var in run.built.x.items()
        if solver.boolean_value(var)
    ]
    return Schedule(tuple(sorted(chosen)))


def _coverage(run: SolverRun, members: list[int], chosen: set[tuple[int, int, int]]) -> list[int]:
    horizon = run.built.problem.horizon
    covered = [0] * horizon.num_intervals
    member_set = set(members)
    for a, d, t in chosen:
        if a in member_set:
            for interval in run.built.geometry[t].covered_intervals(d, horizon.num_intervals):
                covered[interval] += 1
    return covered


def result_from_run(run: SolverRun, status: SolveStatus, seconds: float) -> SolveResult:
    problem = run.built.problem
    total_required = tuple(problem.requirement.total)
    if not run.has_solution:  # nothing scheduled: every requirement series is missing in full, as the checker says
        groups_missing = {name: tuple(required) for name, _members, required in requirement_groups(problem)}
        del groups_missing[TOTAL_GROUP]
        return SolveResult(
            Schedule(()), status, None, None, seconds, None, total_required, (0,) * len(total_required),
            total_required, group_shortfall=groups_missing,
        )
    solver = run.solver
    chosen = {key for key, var in run.built.x.items() if solver.boolean_value(var)}
    scheduled: tuple[int, ...] = ()
    shortfall: tuple[int, ...] = ()
    groups: dict[str, tuple[int, ...]] = {}
    for name, members, required in requirement_groups(problem):
        covered = _coverage(run, members, chosen)
        missing = tuple(max(0, need - have) for need, have in zip(required, covered, strict=True))
        if name == TOTAL_GROUP:
            scheduled, shortfall = tuple(covered), missing
        else:
            groups[name] = missing
    return SolveResult(
        schedule=_assignments(run),
        status=status,
        objective=solver.objective_value,
        best_bound=solver.best_objective_bound,
        solve_seconds=seconds,
        first_solution_seconds=run.first_solution_seconds,
        required=total_required,
        scheduled=scheduled,
        shortfall=shortfall,
        group_shortfall=groups,
        cost=_cost(run, chosen),
        under_hours={
            (problem.agents[a].id, week): solver.value(var) * 0.5
            for (a, week), var in run.built.under_hours.items()
            if solver.value(var)
        },
    )


def _cost(run: SolverRun, chosen: set[tuple[int, int, int]]) -> float:
    """Paid cost: hourly rate x (hours + night premium x night hours)."""
    premium = run.built.problem.rules.night_premium
    total = 0.0
    for a, _d, t in chosen:
        geometry = run.built.geometry[t]
        rate = run.built.problem.agents[a].hourly_cost
        total += rate * (geometry.length + premium * geometry.night_minutes) / 60
    return total

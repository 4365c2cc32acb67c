"""The shortfall the solver reports is the shortfall the independent checker computes, series by series.

Shortfall has one definition on both sides: per 30-minute interval, the agents required minus the
agents counted (never below 0), for the total requirement and for each per-line and per-skill
series; `total_shortfall` is the sum over all series. Checked on generated problems with line and
skill requirements, on the elastic (infeasible) path and on the no-solution path.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from ortools.sat.python import cp_model

from frontline.workforce.schedule import (
    Agent,
    LabourRules,
    Line,
    Schedule,
    ScheduleProblem,
    SolveStatus,
    StaffingRequirement,
    check_schedule,
    solve,
)
from frontline.workforce.schedule.cpmodel import build_model
from frontline.workforce.schedule.model import INTERVALS_PER_DAY
from frontline.workforce.schedule.solver import SolveResult, SolverRun, result_from_run
from tests.workforce.schedule.builders import ALL_TEMPLATES, MONDAY, THREE_SHIFTS, agent, problem


def generated(seed: int) -> ScheduleProblem:
    """A team too small for its requirement, with L2 and skill series, leave and mixed contracts."""
    rng = random.Random(seed)
    weeks = rng.choice((1, 2))
    team = []
    for i in range(rng.randint(4, 7)):
        away = {MONDAY + timedelta(days=rng.randrange(7 * weeks)) for _ in range(rng.randint(0, 2))}
        team.append(Agent(f"a{i}", f"Agent {i}", rng.choice((Line.L1, Line.L1, Line.L2)),
                          float(rng.choice((20, 32, 40))), frozenset({"billing"} if rng.random() < 0.4 else ()),
                          unavailable=frozenset(away), hourly_cost=1 + rng.random()))
    total, line_two, billing = [], [], []
    for day in range(7 * weeks):
        for slot in range(INTERVALS_PER_DAY):
            hour = slot // 2
            total.append(0 if day == 0 and hour < 7 else rng.choice((1, 2, 3)) if 7 <= hour < 22 else 1)
            line_two.append(1 if 9 <= hour < 18 else 0)
            billing.append(1 if 10 <= hour < 16 and rng.random() < 0.8 else 0)
    need = StaffingRequirement(tuple(total), by_line={Line.L2: tuple(line_two)}, by_skill={"billing": tuple(billing)})
    rules = LabourRules(max_consecutive_days=rng.choice((4, 5, 6)), weekend_off_every_weeks=rng.choice((1, 2)))
    return problem(team, weeks=weeks, templates=ALL_TEMPLATES, requirement=need, rules=rules)


def assert_agree(result: SolveResult, scheduling_problem: ScheduleProblem) -> None:
    report = check_schedule(result.schedule, scheduling_problem)
    assert result.scheduled == report.scheduled
    assert result.shortfall == report.shortfall
    assert result.group_shortfall == report.group_shortfall
    assert set(result.group_shortfall) == {"line:L2", "skill:billing"}
    assert result.total_shortfall == report.total_shortfall


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solver_and_checker_report_the_same_shortfall(seed: int) -> None:
    scheduling_problem = generated(seed)
    result = solve(scheduling_problem, time_limit_s=2.0, num_workers=2, random_seed=seed)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.total_shortfall > 0  # the cases are built to be short of staff
    assert_agree(result, scheduling_problem)


def test_elastic_schedule_reports_the_checker_shortfall() -> None:
    """Contract minimum impossible (4 days away, 8-hour shifts, 40 h with no slack): the elastic path."""
    away = frozenset(MONDAY + timedelta(days=d) for d in range(4))
    team = [agent("a", hours_below=0, unavailable=away), agent("b", 20, line=Line.L2, skills=frozenset({"billing"}))]
    base, week = generated(4).requirement, slice(0, 7 * INTERVALS_PER_DAY)
    need = StaffingRequirement(tuple(base.total[week]), by_line={Line.L2: tuple(base.by_line[Line.L2][week])},
                               by_skill={"billing": tuple(base.by_skill["billing"][week])})
    scheduling_problem = problem(team, templates=THREE_SHIFTS, requirement=need)
    result = solve(scheduling_problem, time_limit_s=2.0, num_workers=2)
    assert result.status == SolveStatus.INFEASIBLE and result.under_hours
    assert_agree(result, scheduling_problem)


def test_no_solution_means_every_series_is_missing_in_full() -> None:
    scheduling_problem = generated(5)
    built = build_model(scheduling_problem)
    result = result_from_run(SolverRun(built, cp_model.CpSolver(), SolveStatus.UNKNOWN, None), SolveStatus.UNKNOWN,
                             0.0)
    assert result.schedule == Schedule(())
    assert_agree(result, scheduling_problem)
    assert result.group_shortfall["line:L2"] == scheduling_problem.requirement.by_line[Line.L2]

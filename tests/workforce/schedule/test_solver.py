"""Small instances solved with CP-SAT; every schedule goes through the independent checker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from frontline.workforce.schedule import (
    Horizon,
    LabourRules,
    Line,
    RuleFamily,
    ScheduleProblem,
    ShiftKind,
    ShiftTemplate,
    SolveStatus,
    StaffingRequirement,
    solve,
)
from frontline.workforce.schedule.model import INTERVALS_PER_DAY
from tests.workforce.schedule.builders import (
    ALL_TEMPLATES,
    MONDAY,
    agent,
    check,
    daily_profile,
    problem,
)

SOLVED = (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def _without_first_hours(series: tuple[int, ...], hours: int) -> tuple[int, ...]:
    """Nobody can cover the horizon's first hours with a night shift from the day before."""
    return (0,) * (2 * hours) + series[2 * hours :]


def solved_and_checked(scheduling_problem: ScheduleProblem, seconds: float = 3.0):
    result = solve(scheduling_problem, time_limit_s=seconds, num_workers=2)
    report = check(result.schedule, scheduling_problem)
    assert report.scheduled == result.scheduled
    assert report.shortfall == result.shortfall
    assert report.group_shortfall == result.group_shortfall
    assert report.cost == pytest.approx(result.cost)
    return result, report


def test_round_the_clock_week_is_fully_covered_without_violations():
    need = _without_first_hours(daily_profile({range(24): 1, range(7, 15): 2}, weeks=1), 7)
    team = [agent(f"a{i}") for i in range(6)]
    result, report = solved_and_checked(problem(team, requirement=StaffingRequirement(need)))
    assert result.status in SOLVED
    assert report.violations == ()
    assert sum(result.shortfall) == 0
    assert all(have >= want for have, want in zip(result.scheduled, need, strict=True))
    assert len(result.schedule.assignments) == 30  # 5 shifts each: the contract band 36-44 h allows only that


def test_all_rule_families_and_every_shift_kind_over_two_weeks():
    rules = LabourRules(max_consecutive_days=5, weekend_off_every_weeks=2, max_night_spread=2, max_weekend_spread=3)
    need = _without_first_hours(daily_profile({range(24): 1, range(8, 20): 2, range(10, 14): 3}, weeks=2), 8)
    team = [agent(f"full{i}") for i in range(6)] + [agent(f"part{i}", 20, hours_below=4) for i in range(3)]
    team[0] = replace(team[0], unavailable=frozenset({date(2024, 1, 3), date(2024, 1, 10)}))
    scheduling_problem = problem(
        team, weeks=2, templates=ALL_TEMPLATES, requirement=StaffingRequirement(need), rules=rules
    )
    result, report = solved_and_checked(scheduling_problem, seconds=5.0)
    assert result.status in SOLVED
    assert report.ok, [violation.message for violation in report.violations]
    assert report.night_spread <= 2 and report.weekend_spread <= 3
    assert not any(item.agent_id == "full0" and item.day in team[0].unavailable for item in result.schedule.assignments)


def test_line_and_skill_requirements_are_met_by_the_right_people():
    weekday_days = daily_profile({range(7, 15): 1}, weeks=1)
    requirement = StaffingRequirement(weekday_days, by_line={Line.L2: weekday_days}, by_skill={"french": weekday_days})
    team = [
        agent("l2a", line=Line.L2, hours=32, hours_below=32),
        agent("l2b", line=Line.L2, hours=32, hours_below=32),
        agent("fra", skills=frozenset({"french"}), hours=32, hours_below=32),
        agent("frb", skills=frozenset({"french"}), hours=32, hours_below=32),
    ]
    result, report = solved_and_checked(problem(team, requirement=requirement))
    assert report.ok and result.total_shortfall == 0 and report.total_shortfall == 0
    workers_by_day: dict[date, set[str]] = {}
    for item in result.schedule.assignments:
        workers_by_day.setdefault(item.day, set()).add(item.agent_id)
    assert all(people & {"l2a", "l2b"} and people & {"fra", "frb"} for people in workers_by_day.values())


def test_preferred_day_off_and_shift_are_granted_when_free():
    need = daily_profile({range(7, 23): 1}, weeks=1)
    picky = agent("ann", preferred_weekdays_off=frozenset({2}), preferred_shifts=frozenset({"day"}))
    team = [picky, agent("bob"), agent("cid")]
    result, report = solved_and_checked(problem(team, requirement=StaffingRequirement(need)))
    assert report.ok and result.total_shortfall == 0
    mine = result.schedule.for_agent("ann")
    assert mine and all(item.day.weekday() != 2 and item.shift == "day" for item in mine)


def test_night_shifts_are_shared_evenly():
    need = daily_profile({range(0, 7): 1, range(23, 24): 1}, weeks=2)
    need = (0,) * 14 + need[14:]
    team = [agent(f"a{i}", hours_below=40) for i in range(4)]
    result, report = solved_and_checked(problem(team, weeks=2, requirement=StaffingRequirement(need)))
    assert report.ok and result.total_shortfall == 0
    assert sum(report.night_shifts.values()) == 14
    assert report.night_spread <= 1


def test_result_reports_objective_bound_gap_and_timing():
    need = daily_profile({range(8, 20): 2}, weeks=1)
    team = [agent(f"a{i}", 36) for i in range(5)]
    result, report = solved_and_checked(problem(team, templates=ALL_TEMPLATES, requirement=StaffingRequirement(need)))
    assert report.ok
    assert result.status in SOLVED
    assert result.objective is not None and result.best_bound is not None
    assert result.best_bound <= result.objective + 1e-6
    assert result.gap is not None and 0 <= result.gap <= 1
    assert result.first_solution_seconds is not None and result.solve_seconds >= result.first_solution_seconds


def test_no_agents_gives_the_whole_requirement_as_shortfall():
    need = daily_profile({range(9, 17): 2}, weeks=1)
    result, report = solved_and_checked(problem([], requirement=StaffingRequirement(need)))
    assert result.status == SolveStatus.OPTIMAL
    assert result.shortfall == need and report.shortfall == need
    assert result.schedule.assignments == ()


def test_only_enforced_rule_families_apply():
    need = daily_profile({range(24): 1}, weeks=1)
    tireless = problem([agent("ann", 168, hours_above=0)], requirement=StaffingRequirement(need))
    result = solve(tireless, time_limit_s=3, enforced=[])
    report = check(result.schedule, problem([agent("ann")], requirement=StaffingRequirement(need)))
    assert sum(result.shortfall) == 14  # only Monday 00:00-07:00, before the first shift can start
    broken = {violation.rule for violation in report.violations}
    assert {RuleFamily.ONE_SHIFT_PER_DAY, RuleFamily.MIN_REST, RuleFamily.WEEKLY_MAX_HOURS} <= broken
    assert RuleFamily.INVALID_ENTRY not in broken  # overlapping shifts stay impossible


@pytest.mark.parametrize(
    "make",
    [
        lambda: problem([agent("a"), agent("a")]),
        lambda: ScheduleProblem(Horizon(MONDAY, 1), (agent("a"),), (), StaffingRequirement((0,) * 336)),
        lambda: problem([agent("a")], requirement=StaffingRequirement((1,) * 10)),
        lambda: problem([agent("a")], requirement=StaffingRequirement((-1,) * 7 * INTERVALS_PER_DAY)),
    ],
)
def test_malformed_input_is_rejected(make):
    with pytest.raises(ValueError):
        solve(make(), time_limit_s=1)


def test_template_and_horizon_validation():
    with pytest.raises(ValueError):
        ShiftTemplate("odd", time(7, 15), 480, ShiftKind.DAY)
    with pytest.raises(ValueError):
        ShiftTemplate("odd", time(7, 0), 475, ShiftKind.DAY)
    with pytest.raises(ValueError):
        Horizon(MONDAY, 7)

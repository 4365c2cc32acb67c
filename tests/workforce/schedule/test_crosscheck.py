"""The CP model and the independent checker must agree, rule by rule, on random schedules.

For a random schedule (x fixed), the CP model with only rule family F is
feasible exactly when the checker finds no violation of F; with no family at
all, the solver's coverage and cost equal the checker's.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.workforce.schedule import (
    Assignment,
    LabourRules,
    NightWindow,
    RuleFamily,
    Schedule,
    ScheduleProblem,
    StaffingRequirement,
)
from frontline.workforce.schedule.cpmodel import HARD_FAMILIES, active_families, build_model
from frontline.workforce.schedule.solver import SolveStatus, result_from_run, run_model
from tests.workforce.schedule.builders import ALL_TEMPLATES, agent, check, daily_profile, problem

NAMES = [template.name for template in ALL_TEMPLATES]
WINDOWS = [NightWindow(), NightWindow(time(0), time(5)), NightWindow(time(21), time(7))]


@st.composite
def cases(draw) -> tuple[ScheduleProblem, Schedule]:
    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 6)))
    rules = LabourRules(
        night_window=draw(
            st.sampled_from([NightWindow(), NightWindow(time(0), time(5)), NightWindow(time(21), time(7))])
        ),
        night_shift_min_minutes=draw(st.sampled_from([60, 180, 300])),
        min_rest_minutes=draw(st.sampled_from([8 * 60, 11 * 60, 12 * 60])),
        max_consecutive_days=draw(st.integers(2, 6)),
        weekend_off_every_weeks=draw(st.integers(1, 2)),
        max_night_spread=draw(st.sampled_from([None, 0, 1, 2])),
        max_weekend_spread=draw(st.sampled_from([None, 0, 1, 2])),
    )
    team = []
    for i in range(3):
        away = draw(st.sets(st.integers(0, 13), max_size=2))
        team.append(
            agent(
                f"a{i}",
                draw(st.sampled_from([16, 24, 32, 40])),
                hours_below=draw(st.sampled_from([4, 16])),
                unavailable=frozenset(start + timedelta(days=d) for d in away),
                hourly_cost=1 + i / 2,
            )
        )
    need = StaffingRequirement(daily_profile({range(0, 24): 1, range(9, 17): 2}, weeks=2))
    scheduling_problem = problem(team, weeks=2, templates=ALL_TEMPLATES, requirement=need, rules=rules, start=start)
    rows = []
    for member in team:
        for offset in range(14):
            picked = draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))
            if draw(st.integers(0, 9)) < 4:
                picked = picked[:1] if picked else []
            rows += [Assignment(member.id, start + timedelta(days=offset), name) for name in picked]
    return scheduling_problem, Schedule(tuple(rows))


def _fix(built, scheduling_problem: ScheduleProblem, schedule: Schedule) -> None:
    start = scheduling_problem.horizon.start
    chosen = {(item.agent_id, (item.day - start).days, item.shift) for item in schedule.assignments}
    for (a, d, t), var in built.x.items():
        key = (scheduling_problem.agents[a].id, d, scheduling_problem.templates[t].name)
        built.model.add(var == int(key in chosen))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_model_and_checker_agree_rule_by_rule(case):
    scheduling_problem, schedule = case
    report = check(schedule, scheduling_problem)
    broken = {violation.rule for violation in report.violations}
    overlapping = RuleFamily.INVALID_ENTRY in broken
    free = build_model(scheduling_problem, frozenset())
    _fix(free, scheduling_problem, schedule)
    free_run = run_model(free, time_limit_s=5, num_workers=1)
    assert (free_run.status == SolveStatus.INFEASIBLE) == overlapping
    if not overlapping:
        result = result_from_run(free_run, free_run.status, 0.0)
        assert result.scheduled == report.scheduled and result.shortfall == report.shortfall
        assert result.cost == pytest.approx(report.cost)
    guarded = build_model(scheduling_problem, use_literals=True)
    guarded.model.clear_objective()
    _fix(guarded, scheduling_problem, schedule)
    for family in sorted(guarded.literals):
        guarded.model.clear_assumptions()
        guarded.model.add_assumptions([lit if other == family else ~lit for other, lit in guarded.literals.items()])
        run = run_model(guarded, time_limit_s=5, num_workers=1)
        assert (run.status == SolveStatus.INFEASIBLE) == (overlapping or family in broken), (family, report.violations)


def test_every_hard_family_is_checked_by_the_checker():
    everything_on = LabourRules(max_night_spread=0, max_weekend_spread=0)
    assert active_families(problem([agent("a")], rules=everything_on)) == frozenset(HARD_FAMILIES)

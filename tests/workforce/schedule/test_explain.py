"""Infeasible and under-staffed problems: best schedule, shortfall, and the reasons in words."""

from __future__ import annotations

from datetime import date

from frontline.workforce.schedule import LabourRules, RuleFamily, SolveStatus, StaffingRequirement, explain, solve
from frontline.workforce.schedule.messages import MESSAGES, rule_name
from tests.workforce.schedule.builders import agent, check, daily_profile, problem


def test_two_agents_cannot_cover_three_round_the_clock():
    need = daily_profile({range(24): 3}, weeks=1)
    scheduling_problem = problem([agent("ann"), agent("bob")], requirement=StaffingRequirement(need))
    result = solve(scheduling_problem, time_limit_s=3)
    explanation = explain(scheduling_problem, time_limit_s=5, baseline=result)
    report = check(result.schedule, scheduling_problem)
    assert report.ok and report.shortfall == result.shortfall
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert sum(result.shortfall) > 0 and all(result.shortfall)  # 3 needed, at most 2 there at any time
    assert explanation.hard_feasible is True
    assert RuleFamily.WEEKLY_MAX_HOURS in explanation.binding_rules
    assert explanation.unconstrained_shortfall_hours and explanation.unconstrained_shortfall_hours > 0
    text = explanation.text
    assert "3 agents are required but only 2" in text
    assert rule_name(RuleFamily.WEEKLY_MAX_HOURS) in text
    assert "too few agents" in text


def test_contract_minimum_impossible_under_the_rules_is_explained():
    unreachable = agent("xena", 60, hours_below=0, hours_above=0)  # 60 h: more than 6 days in a row of 8 h
    away = agent("yuri", 40, unavailable=frozenset(date(2024, 1, d) for d in range(1, 5)))
    need = daily_profile({range(7, 23): 1}, weeks=1)
    scheduling_problem = problem([unreachable, away], requirement=StaffingRequirement(need))
    result = solve(scheduling_problem, time_limit_s=3)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.schedule.assignments  # best effort, not an empty answer
    assert result.under_hours == {("xena", 0): 12.0, ("yuri", 0): 12.0}  # 6 days x 8 h; 3 days x 8 h
    report = check(result.schedule, scheduling_problem)
    assert {violation.rule for violation in report.violations} == {RuleFamily.WEEKLY_MIN_HOURS}
    explanation = explain(scheduling_problem, time_limit_s=6, baseline=result)
    assert explanation.hard_feasible is False
    assert set(explanation.conflicting_rules) == {RuleFamily.ONE_SHIFT_PER_DAY, RuleFamily.WEEKLY_MIN_HOURS}
    assert RuleFamily.WEEKLY_MIN_HOURS in explanation.freeing_rules
    assert "Xena can work only 48 h" in explanation.text and "Yuri can work only 24 h" in explanation.text


def test_contradicting_rules_are_named():
    # 28 h minimum = 4 shifts of 8 h, but with no two working days in a row and every weekend off,
    # Monday, Wednesday and Friday are the most a week allows.
    rules = LabourRules(max_consecutive_days=1, weekend_off_every_weeks=1)
    scheduling_problem = problem([agent("ann", 32)], rules=rules)
    result = solve(scheduling_problem, time_limit_s=2)
    explanation = explain(scheduling_problem, time_limit_s=5, baseline=result)
    assert result.status == SolveStatus.INFEASIBLE
    assert [item.day.weekday() for item in result.schedule.assignments] == [0, 2, 4]
    assert explanation.hard_feasible is False
    needed = {RuleFamily.MAX_CONSECUTIVE_DAYS, RuleFamily.WEEKEND_OFF, RuleFamily.WEEKLY_MIN_HOURS}
    assert needed <= set(explanation.conflicting_rules)
    assert needed <= set(explanation.freeing_rules)
    assert "cannot all hold together" in explanation.text
    assert "Ann can work only 24 h" in explanation.text
    assert check(result.schedule, scheduling_problem).of_rule(RuleFamily.WEEKLY_MIN_HOURS)


def test_a_covered_feasible_problem_says_so():
    scheduling_problem = problem([agent("ann", 8, hours_below=8, hours_above=0)])
    explanation = explain(scheduling_problem, time_limit_s=3)
    assert explanation.hard_feasible is True and explanation.shortfall_hours == 0
    assert explanation.sentences == (MESSAGES["feasible_no_shortfall"],)

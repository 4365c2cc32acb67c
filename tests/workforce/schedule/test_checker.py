"""Each checker rule on a hand-built schedule that breaks exactly that rule."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from frontline.workforce.schedule import LabourRules, Line, NightWindow, RuleFamily, StaffingRequirement
from frontline.workforce.schedule.checker import night_hours
from frontline.workforce.schedule.model import INTERVALS_PER_DAY
from tests.workforce.schedule.builders import (
    ALL_TEMPLATES,
    MONDAY,
    agent,
    check,
    problem,
    schedule,
    shifts,
)

WEEKDAYS = [(0, "day"), (1, "day"), (2, "day"), (3, "day"), (4, "day")]


def rules_of(report) -> set[RuleFamily]:
    return {violation.rule for violation in report.violations}


def only(report, rule: RuleFamily) -> None:
    assert rules_of(report) == {rule}, [violation.message for violation in report.violations]


def test_a_plain_working_week_breaks_no_rule():
    report = check(schedule(shifts("ann", *WEEKDAYS)), problem([agent("ann")]))
    assert report.ok
    assert report.violations == ()


def test_two_night_shifts_in_a_row():
    items = schedule(shifts("ann", (0, "night"), (1, "night"), (3, "day"), (4, "day"), (5, "day")))
    report = check(items, problem([agent("ann")]))
    only(report, RuleFamily.CONSECUTIVE_NIGHTS)
    assert report.violations[0].dates == (date(2024, 1, 1), date(2024, 1, 2))
    assert "two days in a row" in report.violations[0].message


def test_a_long_evening_counts_as_night_when_enough_of_it_is_at_night():
    rules = LabourRules(night_shift_min_minutes=60)
    items = schedule(shifts("ann", (0, "late"), (1, "late"), (2, "late"), (3, "late"), (4, "late")))
    assert check(items, problem([agent("ann")], templates=ALL_TEMPLATES)).ok  # 16:00-24:00 has 2 h of night < 3 h
    only(check(items, problem([agent("ann")], templates=ALL_TEMPLATES, rules=rules)), RuleFamily.CONSECUTIVE_NIGHTS)


def test_rest_shorter_than_eleven_hours_across_midnight():
    items = schedule(shifts("ann", (0, "evening"), (1, "day"), (2, "day"), (3, "day"), (4, "day")))
    report = check(items, problem([agent("ann")]))
    only(report, RuleFamily.MIN_REST)
    assert "8 h 00 min" in report.violations[0].message
    assert report.violations[0].dates == (date(2024, 1, 1), date(2024, 1, 2))


def test_rest_after_a_night_shift_counts_from_its_end_the_next_morning():
    # night Mon 23:00 -> Tue 07:00, then Tue evening 15:00: 8 h rest, on different dates.
    items = schedule(shifts("ann", (0, "night"), (1, "evening"), (3, "day"), (4, "day"), (5, "day")))
    only(check(items, problem([agent("ann")])), RuleFamily.MIN_REST)


def test_weekly_hours_over_contract_maximum():
    items = schedule(shifts("ann", *WEEKDAYS, (5, "day")))
    report = check(items, problem([agent("ann")]))
    only(report, RuleFamily.WEEKLY_MAX_HOURS)
    assert "48 h" in report.violations[0].message and "44 h" in report.violations[0].message


def test_weekly_hours_under_contract_minimum():
    items = schedule(shifts("ann", *WEEKDAYS[:4]))
    report = check(items, problem([agent("ann")]))
    only(report, RuleFamily.WEEKLY_MIN_HOURS)
    assert "32 h" in report.violations[0].message and "36 h" in report.violations[0].message


def test_weekly_hours_are_checked_per_week_of_the_horizon():
    week_one_ok = shifts("ann", *WEEKDAYS)
    week_two_over = shifts("ann", *[(day + 7, name) for day, name in WEEKDAYS], (12, "day"))
    report = check(schedule(week_one_ok, week_two_over), problem([agent("ann")], weeks=2))
    only(report, RuleFamily.WEEKLY_MAX_HOURS)
    assert report.violations[0].dates[0] == date(2024, 1, 8)


def test_too_many_consecutive_working_days():
    days = [2, 3, 4, 5, 6, 7, 8, 10, 11, 12]
    report = check(schedule(shifts("ann", *[(d, "day") for d in days])), problem([agent("ann")], weeks=2))
    only(report, RuleFamily.MAX_CONSECUTIVE_DAYS)
    assert len(report.violations[0].dates) == 7


def test_no_full_weekend_off_in_two_weeks():
    days = [0, 1, 2, 5, 6, 7, 8, 9, 12, 13]
    rules = LabourRules(weekend_off_every_weeks=2)
    report = check(schedule(shifts("ann", *[(d, "day") for d in days])), problem([agent("ann")], weeks=2, rules=rules))
    only(report, RuleFamily.WEEKEND_OFF)
    assert report.violations[0].dates == tuple(date(2024, 1, d) for d in (6, 7, 13, 14))


def test_a_friday_night_shift_spoils_the_weekend():
    rules = LabourRules(weekend_off_every_weeks=1)
    items = schedule(shifts("ann", (0, "day"), (1, "day"), (2, "day"), (3, "day"), (4, "night")))
    only(check(items, problem([agent("ann")], rules=rules)), RuleFamily.WEEKEND_OFF)
    friday_evening = schedule(shifts("ann", (0, "day"), (1, "day"), (2, "day"), (3, "day"), (4, "evening")))
    assert check(friday_evening, problem([agent("ann")], rules=rules)).ok


def test_two_shifts_on_one_day():
    rules = LabourRules(min_rest_minutes=None)
    items = schedule(shifts("ann", (0, "day"), (0, "night"), (2, "day"), (3, "day"), (4, "day")))
    report = check(items, problem([agent("ann")], rules=rules))
    only(report, RuleFamily.ONE_SHIFT_PER_DAY)
    assert report.violations[0].dates == (MONDAY,)


def test_working_on_an_unavailable_day():
    away_wednesday = agent("ann", unavailable=frozenset({date(2024, 1, 3)}))
    report = check(schedule(shifts("ann", *WEEKDAYS)), problem([away_wednesday]))
    only(report, RuleFamily.UNAVAILABLE_DAY)
    assert report.violations[0].dates == (date(2024, 1, 3),)


def test_overlapping_shifts_and_unknown_rows_are_invalid_entries():
    rules = LabourRules(min_rest_minutes=None, one_shift_per_day=False, enforce_weekly_hours=False)
    overlapping = shifts("ann", (0, "day"), (0, "long-day"))
    unknown = shifts("bob", (1, "day")) + shifts("ann", (2, "brunch"), (9, "day"))
    report = check(schedule(overlapping, unknown), problem([agent("ann")], templates=ALL_TEMPLATES, rules=rules))
    only(report, RuleFamily.INVALID_ENTRY)
    text = " ".join(violation.message for violation in report.violations)
    assert "overlapping" in text and "unknown agent bob" in text and "'brunch'" in text and "outside" in text
    assert len(report.violations) == 4


def test_night_premium_cost_and_night_hours():
    rules = LabourRules(night_premium=0.25, night_window=NightWindow(time(22), time(6)))
    items = schedule(shifts("ann", (0, "night"), (2, "long-night"), (4, "day"), (5, "evening")))
    report = check(items, problem([agent("ann", hourly_cost=20.0)], templates=ALL_TEMPLATES, rules=rules))
    # night 23-07: 7 h at night; long night 20-08: 8 h; day: 0 h; evening 15-23: 1 h.
    assert report.night_hours["ann"] == pytest.approx(16.0)
    assert report.cost == pytest.approx(20 * (8 + 0.25 * 7) + 20 * (12 + 0.25 * 8) + 20 * 8 + 20 * (8 + 0.25 * 1))
    assert report.night_shifts["ann"] == 2
    assert report.ok  # 36 h: inside the 36-44 h contract band


def test_night_hours_with_a_window_inside_one_day():
    window = NightWindow(time(0), time(5))
    monday = date(2024, 1, 1)
    assert night_hours(*_span(monday, 20, 12), window=window) == pytest.approx(5.0)
    assert night_hours(*_span(monday, 4, 2), window=window) == pytest.approx(1.0)
    assert night_hours(*_span(monday, 4, 2), window=NightWindow(time(3), time(3))) == 0.0


def _span(day: date, hour: int, length: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(hour))
    return start, start + timedelta(hours=length)


def test_night_shift_spread_over_the_cap():
    rules = LabourRules(max_night_spread=1)
    nights = shifts("ann", (0, "night"), (2, "night"), (4, "night"), (6, "day"))
    days = shifts("bob", (0, "day"), (1, "day"), (2, "day"), (3, "day"))
    report = check(schedule(nights, days), problem([agent("ann", 32), agent("bob", 32)], rules=rules))
    only(report, RuleFamily.NIGHT_SPREAD)
    assert report.night_spread == 3 and report.night_shifts == {"ann": 3, "bob": 0}
    assert report.violations[0].agent_id is None and "Ann has 3" in report.violations[0].message
    assert check(schedule(nights, days), problem([agent("ann", 32), agent("bob", 32)])).ok


def test_weekend_shift_spread_over_the_cap():
    rules = LabourRules(max_weekend_spread=0)
    weekend = shifts("ann", (0, "day"), (3, "day"), (4, "day"), (5, "day"), (6, "day"))
    weekdays = shifts("bob", *WEEKDAYS)
    report = check(schedule(weekend, weekdays), problem([agent("ann"), agent("bob")], rules=rules))
    only(report, RuleFamily.WEEKEND_SPREAD)
    assert report.weekend_spread == 2


def test_coverage_shortfall_per_interval_total_line_and_skill():
    horizon_intervals = 7 * INTERVALS_PER_DAY
    total = [0] * horizon_intervals
    for index in range(14, 30):  # Monday 07:00-15:00
        total[index] = 2
    requirement = StaffingRequirement(tuple(total), by_line={Line.L2: tuple(total)}, by_skill={"fr": tuple(total)})
    team = [agent("ann", line=Line.L2), agent("bob", skills=frozenset({"fr"}))]
    rules = LabourRules(enforce_weekly_hours=False)
    report = check(schedule(shifts("ann", (0, "day"))), problem(team, requirement=requirement, rules=rules))
    assert report.ok
    assert report.scheduled[14:30] == (1,) * 16 and report.scheduled[13] == 0 and report.scheduled[30] == 0
    assert report.shortfall[14:30] == (1,) * 16 and sum(report.shortfall) == 16
    assert sum(report.group_shortfall["line:L2"]) == 16
    assert sum(report.group_shortfall["skill:fr"]) == 32
    assert report.total_shortfall == 64

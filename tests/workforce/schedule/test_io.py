"""CSV round trips a manager can edit in a spreadsheet, and iCalendar export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontline.workforce.schedule import Horizon, Line, StaffingRequirement, solve
from frontline.workforce.schedule.io import (
    CsvFormatError,
    agent_ics,
    fold_ics_line,
    requirement_from_csv,
    requirement_to_csv,
    schedule_from_csv,
    schedule_to_csv,
)
from tests.workforce.schedule.builders import ALL_TEMPLATES, MONDAY, agent, check, daily_profile, problem


@pytest.fixture(scope="module")
def solved():
    need = daily_profile({range(7, 23): 1}, weeks=1)
    requirement = StaffingRequirement(
        need, by_line={Line.L1: need}, by_skill={"fr": daily_profile({range(9, 12): 1}, 1)}
    )
    team = [agent("ann", skills=frozenset({"fr"})), agent("bob", skills=frozenset({"fr"})), agent("cid")]
    scheduling_problem = problem(team, requirement=requirement)
    result = solve(scheduling_problem, time_limit_s=2)
    assert check(result.schedule, scheduling_problem).ok
    return scheduling_problem, result


def test_schedule_csv_round_trip_keeps_every_assignment(solved):
    scheduling_problem, result = solved
    text = schedule_to_csv(result.schedule)
    assert text.splitlines()[0] == "agent_id,date,shift"
    assert len(text.splitlines()) == len(result.schedule.assignments) + 1
    back = schedule_from_csv(text)
    assert sorted(back.assignments) == sorted(result.schedule.assignments)
    assert check(back, scheduling_problem).ok


def test_a_hand_edited_csv_is_read_and_checked():
    edited = (
        "\ufeffagent_id,date,shift,note\nann,2024-01-01,day,\nann, 2024-01-02 ,evening,swapped\nann,2024-01-03,,off\n"
    )
    schedule = schedule_from_csv(edited)
    assert [(item.day.day, item.shift) for item in schedule.assignments] == [(1, "day"), (2, "evening")]
    report = check(schedule, problem([agent("ann")]))
    assert {violation.rule for violation in report.violations} == {"weekly_min_hours"}


def test_requirement_csv_round_trip_with_line_and_skill_columns(solved):
    scheduling_problem, _ = solved
    text = requirement_to_csv(scheduling_problem.requirement, scheduling_problem.horizon)
    header, first, *_ = text.splitlines()
    assert header == "interval_start,required,line:L1,skill:fr"
    assert first == "2024-01-01T00:00,0,0,0"
    back = requirement_from_csv(text, scheduling_problem.horizon)
    assert back == scheduling_problem.requirement


def test_requirement_csv_missing_rows_are_zero_and_bad_rows_are_rejected():
    horizon = Horizon(MONDAY, 1)
    sparse = requirement_from_csv("interval_start,required\n2024-01-01T09:30,3\n", horizon)
    assert sparse.total[19] == 3 and sum(sparse.total) == 3
    for bad in (
        "interval_start,required\n2024-01-01T09:15,3\n",
        "interval_start,required\n2024-02-01T09:00,3\n",
        "interval_start,required\n2024-01-01T09:00,-1\n",
        "interval_start,required\n2024-01-01T09:00,x\n",
        "interval_start,required\n2024-01-01T09:00,1\n2024-01-01T09:00,2\n",
        "start,required\n",
    ):
        with pytest.raises(CsvFormatError):
            requirement_from_csv(bad, horizon)
    with pytest.raises(CsvFormatError):
        schedule_from_csv("agent_id,date,shift\nann,01/02/2024,day\n")


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_export_of_one_agent(solved):
    scheduling_problem, result = solved
    ann = scheduling_problem.agents[0]
    stamp = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    text = agent_ics(ann, result.schedule, scheduling_problem.templates, stamp=stamp)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    mine = result.schedule.for_agent(ann.id)
    assert lines.count("BEGIN:VEVENT") == len(mine) > 0
    starts = [line.removeprefix("DTSTART:") for line in lines if line.startswith("DTSTART:")]
    templates = {template.name: template for template in scheduling_problem.templates}
    assert starts == [f"{item.day:%Y%m%d}T{templates[item.shift].start:%H%M%S}" for item in mine]
    assert all(line == "DTSTAMP:20240101T120000Z" for line in lines if line.startswith("DTSTAMP"))
    assert len({line for line in lines if line.startswith("UID:")}) == len(mine)


def test_ics_night_shift_ends_next_day_and_text_is_escaped():
    night = next(template for template in ALL_TEMPLATES if template.name == "long-night")
    person = agent("zoé", name='Zoé; the "night, owl" — ünïcödé ' * 3)
    from frontline.workforce.schedule import Assignment, Schedule

    schedule = Schedule((Assignment("zoé", MONDAY, "long-night"),))
    lines = _unfold(agent_ics(person, schedule, [night], stamp=datetime(2024, 1, 1, tzinfo=UTC)))
    assert "DTSTART:20240101T200000" in lines and "DTEND:20240102T080000" in lines
    calname = next(line for line in lines if line.startswith("X-WR-CALNAME"))
    assert 'Zoé\\; the "night\\, owl"' in calname


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "é" * 100
    folded = fold_ics_line(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line

"""SLA clocks that pause while waiting on the customer: worked examples and a reference check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.sla.calendar import BusinessCalendar
from frontline.sla.pauses import Pause, paused_due_time, paused_elapsed, read_clock
from tests.sla.brute_force import MinuteReference
from tests.sla.calendar_strategies import Scenario, scenarios

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def office() -> BusinessCalendar:
    """09:00-18:00 Berlin = 07:00-16:00Z in June; Mon 17 June 2024 is a Monday."""
    return BusinessCalendar.from_hours("Europe/Berlin", {"mon-fri": "09:00-18:00"})


START = utc(2024, 6, 17, 7)  # Mon 09:00 CEST


def test_without_pauses_it_matches_add_business_time(office: BusinessCalendar) -> None:
    assert paused_due_time(office, START, 4 * HOUR) == office.add_business_time(START, 4 * HOUR) == utc(2024, 6, 17, 11)


def test_a_pause_in_office_hours_moves_the_deadline_by_its_length(office: BusinessCalendar) -> None:
    pause = Pause(utc(2024, 6, 17, 8), utc(2024, 6, 17, 9))
    assert paused_due_time(office, START, 4 * HOUR, [pause]) == utc(2024, 6, 17, 12)


def test_a_pause_moves_the_deadline_only_by_the_business_time_it_covered(office: BusinessCalendar) -> None:
    # Paused Mon 17:00 CEST to Tue 10:00 CEST: one business hour each day, 2 h in all.
    overnight = Pause(utc(2024, 6, 17, 15), utc(2024, 6, 18, 8))
    assert office.add_business_time(START, 10 * HOUR) == utc(2024, 6, 18, 8)
    assert paused_due_time(office, START, 10 * HOUR, [overnight]) == utc(2024, 6, 18, 10)
    closed_night_only = Pause(utc(2024, 6, 17, 17), utc(2024, 6, 18, 6))
    assert paused_due_time(office, START, 10 * HOUR, [closed_night_only]) == utc(2024, 6, 18, 8)


def test_open_ended_pause_has_no_deadline_until_the_customer_replies(office: BusinessCalendar) -> None:
    waiting = Pause(utc(2024, 6, 17, 9))  # pending customer since Mon 11:00 CEST
    assert paused_due_time(office, START, 4 * HOUR, [waiting]) is None
    assert paused_elapsed(office, START, utc(2024, 6, 19, 12), [waiting]) == 2 * HOUR
    replied = Pause(waiting.start, utc(2024, 6, 19, 7, 30))  # reply Wed 09:30 CEST
    assert paused_due_time(office, START, 4 * HOUR, [replied]) == utc(2024, 6, 19, 9, 30)


def test_open_ended_pause_after_the_target_keeps_the_deadline(office: BusinessCalendar) -> None:
    late = Pause(utc(2024, 6, 17, 12))
    assert paused_due_time(office, START, 4 * HOUR, [late]) == utc(2024, 6, 17, 11)
    assert paused_due_time(office, START, 5 * HOUR, [late]) == utc(2024, 6, 17, 12)  # reached as the pause began


def test_overlapping_and_early_pauses_count_once(office: BusinessCalendar) -> None:
    pauses = [
        Pause(utc(2024, 6, 17, 6), utc(2024, 6, 17, 8)),  # began before the clock started
        Pause(utc(2024, 6, 17, 7, 30), utc(2024, 6, 17, 8, 30)),
        Pause(utc(2024, 6, 17, 8), utc(2024, 6, 17, 8, 15)),
    ]
    # Business time paused: 07:00-08:30Z = 1.5 h.
    assert paused_due_time(office, START, 4 * HOUR, pauses) == utc(2024, 6, 17, 12, 30)
    assert paused_elapsed(office, START, utc(2024, 6, 17, 10), pauses) == 90 * MINUTE


def test_zero_target_is_due_at_start(office: BusinessCalendar) -> None:
    saturday = utc(2024, 6, 22, 12)
    assert paused_due_time(office, saturday, timedelta(0), [Pause(saturday)]) == saturday


def test_read_clock_reports_state(office: BusinessCalendar) -> None:
    pauses = [Pause(utc(2024, 6, 17, 8), utc(2024, 6, 17, 9)), Pause(utc(2024, 6, 17, 14))]
    reading = read_clock(office, START, 4 * HOUR, utc(2024, 6, 17, 15), pauses)
    assert reading.elapsed == 6 * HOUR and reading.remaining == -2 * HOUR
    assert reading.due == utc(2024, 6, 17, 12) and reading.breached and reading.paused
    on_time = read_clock(office, START, 4 * HOUR, utc(2024, 6, 17, 12), pauses)
    assert on_time.elapsed == 4 * HOUR and on_time.remaining == timedelta(0)
    assert not on_time.breached and not on_time.paused


def test_elapsed_is_zero_before_start(office: BusinessCalendar) -> None:
    assert paused_elapsed(office, START, START - HOUR) == timedelta(0)


def test_bad_pauses_are_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        paused_due_time(office, START, HOUR, [Pause(utc(2024, 6, 17, 9), utc(2024, 6, 17, 8))])
    with pytest.raises(ValueError, match="timezone-aware"):
        paused_due_time(office, START, HOUR, [Pause(datetime(2024, 6, 17, 9))])
    with pytest.raises(ValueError, match="negative"):
        paused_due_time(office, START, -HOUR)


def _paused_by_reference(reference: MinuteReference, pauses: list[Pause]) -> list[bool]:
    """Counting flags: open and outside every pause, minute by minute."""
    counting = []
    for index, is_open in enumerate(reference.flags):
        instant = reference.instant(index)
        paused = any(p.start <= instant and (p.end is None or instant < p.end) for p in pauses)
        counting.append(is_open and not paused)
    return counting


@st.composite
def pauses_in(draw: st.DrawFn, scenario: Scenario) -> list[Pause]:
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(scenario.instants())
        if draw(st.integers(0, 4)) == 0:
            pauses.append(Pause(start))
        else:
            pauses.append(Pause(start, start + draw(st.integers(0, 3000)) * MINUTE))
    return pauses


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.data())
def test_paused_clock_agrees_with_minute_reference(scenario: Scenario, data: st.DataObject) -> None:
    calendar, reference = scenario.calendar, scenario.reference()
    pauses = data.draw(pauses_in(scenario), label="pauses")
    counting = _paused_by_reference(reference, pauses)
    start = data.draw(scenario.instants(), label="start")
    now = data.draw(scenario.instants(), label="now")
    first, last = reference.index(start), reference.index(now)
    assert paused_elapsed(calendar, start, now, pauses) == max(0, sum(counting[first:last])) * MINUTE

    available = sum(counting[first:])
    target = data.draw(st.integers(0, available + 1), label="target minutes")
    due = paused_due_time(calendar, start, target * MINUTE, pauses)
    open_ended_in_window = any(p.end is None for p in pauses)
    if target == 0:
        assert due == start
    elif target <= available:
        seen = [index for index in range(first, len(counting)) if counting[index]]
        assert due == reference.instant(seen[target - 1] + 1)
    elif open_ended_in_window:
        assert due is None

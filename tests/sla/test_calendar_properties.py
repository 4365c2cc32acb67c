"""Business-time arithmetic agrees with a minute-by-minute reference on random calendars.

Random calendars sit in zones with awkward clock changes (30-minute DST, changes at local
midnight, fall-back folds) and are queried near those changes.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.sla.calendar import BusinessCalendar
from tests.sla.brute_force import MinuteReference
from tests.sla.calendar_strategies import WINDOW_DAYS, Scenario, edited, scenarios

MINUTE = timedelta(minutes=1)
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def _check_add_and_between(
    calendar: BusinessCalendar, reference: MinuteReference, scenario: Scenario, data: st.DataObject
) -> None:
    start = data.draw(scenario.instants(), label="start")
    window_end = reference.instant(len(reference.flags))
    available = reference.count(start, window_end)
    minutes = data.draw(st.integers(0, available), label="minutes")
    due = calendar.add_business_time(start, minutes * MINUTE)
    assert due == reference.add(start, minutes)
    assert calendar.business_time_between(start, due) == minutes * MINUTE
    fewer = data.draw(st.integers(0, minutes), label="fewer minutes")
    assert calendar.add_business_time(start, fewer * MINUTE) <= due

    other = data.draw(scenario.instants(), label="other end")
    low, high = sorted((start, other))
    expected = reference.count(low, high) * MINUTE
    assert calendar.business_time_between(low, high) == expected
    assert calendar.business_time_between(high, low) == -expected


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_add_and_between_agree_with_reference_and_each_other(scenario: Scenario, data: st.DataObject) -> None:
    _check_add_and_between(scenario.calendar, scenario.reference(), scenario, data)


@PROPERTY_SETTINGS
@given(scenarios(), st.data())
def test_is_open_next_open_and_intervals_agree_with_reference(scenario: Scenario, data: st.DataObject) -> None:
    calendar, reference = scenario.calendar, scenario.reference()
    instant = data.draw(scenario.instants(), label="instant")
    assert calendar.is_open(instant) == reference.is_open(instant)
    expected_next = reference.next_open(instant)
    if expected_next is not None:
        assert calendar.next_open(instant) == expected_next

    start, end = sorted((instant, data.draw(scenario.instants(), label="end")))
    intervals = list(calendar.open_intervals(start, end))
    assert intervals == reference.runs(start, end)
    assert sum((b - a for a, b in intervals), timedelta(0)) == calendar.business_time_between(start, end)


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.data())
def test_edited_calendars_each_agree_with_their_own_reference(scenario: Scenario, data: st.DataObject) -> None:
    original = scenario.calendar
    changed = edited(original, scenario.anchor, data)
    # Interleave queries so any state shared between calendar objects would show.
    for calendar in (original, changed, original):
        reference = MinuteReference.build(calendar, scenario.window_start, WINDOW_DAYS * 24 * 60)
        _check_add_and_between(calendar, reference, scenario, data)

"""Worked examples of business-time arithmetic without clock changes (see test_calendar_dst.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from frontline.sla.calendar import BusinessCalendar
from frontline.sla.hours import OpeningInterval
from frontline.sla.spans import CalendarNeverOpenError

HOUR = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def office() -> BusinessCalendar:
    """Berlin office hours; in June Berlin is UTC+2, so 09:00-18:00 is 07:00-16:00 UTC."""
    return BusinessCalendar.from_hours("Europe/Berlin", {"mon-fri": "09:00-18:00"})


def test_due_time_skips_the_weekend(office: BusinessCalendar) -> None:
    friday_five_pm = utc(2024, 6, 14, 15)  # Fri 17:00 CEST
    due = office.add_business_time(friday_five_pm, 2 * HOUR)
    assert due == utc(2024, 6, 17, 8)  # Mon 10:00 CEST: one hour on Friday, one on Monday
    assert office.business_time_between(friday_five_pm, due) == 2 * HOUR


def test_due_time_skips_a_holiday(office: BusinessCalendar) -> None:
    with_holiday = office.with_holidays([date(2024, 6, 17)])
    assert with_holiday.add_business_time(utc(2024, 6, 14, 15), 2 * HOUR) == utc(2024, 6, 18, 8)
    assert with_holiday.business_time_between(utc(2024, 6, 17), utc(2024, 6, 18)) == timedelta(0)
    assert office.holidays == frozenset()  # the original calendar is unchanged


def test_special_hours_replace_weekly_hours_and_beat_holidays(office: BusinessCalendar) -> None:
    christmas_eve = date(2024, 12, 24)
    short_day = office.with_holidays([christmas_eve]).with_special_hours(
        {christmas_eve: (OpeningInterval.parse("09:00-12:00"),)}
    )
    # Mon 23 Dec 17:00 CET (16:00Z) + 3 h: one hour on Monday, two on Tuesday morning.
    assert short_day.add_business_time(utc(2024, 12, 23, 16), 3 * HOUR) == utc(2024, 12, 24, 10)
    assert short_day.business_time_between(utc(2024, 12, 24), utc(2024, 12, 25)) == 3 * HOUR


def test_split_day_with_a_lunch_break() -> None:
    split = BusinessCalendar.from_hours("Europe/Berlin", {"mon": "09:00-13:00, 14:00-18:00"})
    assert split.add_business_time(utc(2024, 6, 17, 10, 30), HOUR) == utc(2024, 6, 17, 12, 30)  # 12:30 -> 14:30
    lunch = utc(2024, 6, 17, 11, 30)  # 13:30 CEST
    assert not split.is_open(lunch)
    assert split.next_open(lunch) == utc(2024, 6, 17, 12)
    assert split.add_business_time(lunch, timedelta(minutes=30)) == utc(2024, 6, 17, 12, 30)
    assert split.business_time_between(utc(2024, 6, 17), utc(2024, 6, 18)) == 8 * HOUR
    assert list(split.open_intervals(utc(2024, 6, 17), utc(2024, 6, 18))) == [
        (utc(2024, 6, 17, 7), utc(2024, 6, 17, 11)),
        (utc(2024, 6, 17, 12), utc(2024, 6, 17, 16)),
    ]


def test_interval_ending_at_midnight_joins_the_next_morning() -> None:
    evenings = BusinessCalendar.from_hours("UTC", {"mon": "18:00-24:00", "tue": "00:00-02:00, 18:00-24:00"})
    assert evenings.is_open(utc(2024, 6, 17, 23, 59))
    assert evenings.add_business_time(utc(2024, 6, 17, 23), 2 * HOUR) == utc(2024, 6, 18, 1)
    # Monday evening and Tuesday's early hours are one interval, not two touching ones.
    assert list(evenings.open_intervals(utc(2024, 6, 17), utc(2024, 6, 18, 12))) == [
        (utc(2024, 6, 17, 18), utc(2024, 6, 18, 2))
    ]


def test_always_open_calendar_counts_wall_time() -> None:
    always = BusinessCalendar.always_open()
    start = utc(2024, 2, 27, 13, 17)
    assert always.add_business_time(start, 100 * HOUR) == start + 100 * HOUR
    assert always.business_time_between(start, start + 100 * HOUR) == 100 * HOUR
    assert list(always.open_intervals(start, start + 30 * 24 * HOUR)) == [(start, start + 30 * 24 * HOUR)]
    assert always.next_open(start) == start


def test_always_open_calendar_still_closes_on_local_holidays() -> None:
    always = BusinessCalendar.always_open("Europe/Berlin", holidays=[date(2024, 12, 25)])
    # 25 Dec in Berlin is 24 Dec 23:00Z to 25 Dec 23:00Z.
    assert always.business_time_between(utc(2024, 12, 24, 12), utc(2024, 12, 26, 12)) == 24 * HOUR
    assert always.next_open(utc(2024, 12, 25, 12)) == utc(2024, 12, 25, 23)


def test_zero_duration_is_due_at_start_even_when_closed(office: BusinessCalendar) -> None:
    saturday = utc(2024, 6, 15, 12)
    assert office.add_business_time(saturday, timedelta(0)) == saturday
    assert office.add_business_time(utc(2024, 6, 14, 10), timedelta(0)) == utc(2024, 6, 14, 10)
    # Anything more than zero needs open time, so it lands after Monday's opening.
    assert office.add_business_time(saturday, timedelta(seconds=1)) == utc(2024, 6, 17, 7, 0) + timedelta(seconds=1)


def test_duration_ending_at_closing_time_is_due_at_closing_time(office: BusinessCalendar) -> None:
    assert office.add_business_time(utc(2024, 6, 14, 15), HOUR) == utc(2024, 6, 14, 16)  # Fri 18:00, not Monday


def test_between_is_antisymmetric(office: BusinessCalendar) -> None:
    a, b = utc(2024, 6, 14, 15), utc(2024, 6, 17, 8)
    assert office.business_time_between(b, a) == -office.business_time_between(a, b) == -2 * HOUR
    assert office.business_time_between(a, a) == timedelta(0)
    assert list(office.open_intervals(b, a)) == []


def test_sub_minute_precision_is_kept(office: BusinessCalendar) -> None:
    start = utc(2024, 6, 17, 7) + timedelta(seconds=30, microseconds=500_000)
    assert office.add_business_time(start, 9 * HOUR - timedelta(seconds=30, microseconds=500_000)) == utc(
        2024, 6, 17, 16
    )
    assert office.add_business_time(start, 9 * HOUR) == start + timedelta(days=1)


def test_any_aware_input_is_accepted_and_results_are_utc(office: BusinessCalendar) -> None:
    friday_in_berlin = datetime(2024, 6, 14, 17, tzinfo=timezone(timedelta(hours=2)))
    due = office.add_business_time(friday_in_berlin, 2 * HOUR)
    assert due == utc(2024, 6, 17, 8) and due.tzinfo is UTC
    assert office.next_open(friday_in_berlin).tzinfo is UTC


def test_long_durations_walk_across_many_weeks(office: BusinessCalendar) -> None:
    # 200 h at 9 h a day = 22 days and 2 h: 4 weeks and 2 days plus 2 h from Monday 09:00.
    due = office.add_business_time(utc(2024, 6, 3, 7), 200 * HOUR)
    assert due == utc(2024, 7, 3, 9)
    assert office.business_time_between(utc(2024, 6, 3, 7), due) == 200 * HOUR


def test_calendars_are_immutable_values() -> None:
    first = BusinessCalendar.from_hours("UTC", {"mon-fri": "09:00-17:00"})
    second = BusinessCalendar.from_hours("UTC", {"fri": "09:00-17:00", "mon-thu": ["09:00-17:00"]})
    assert first == second and hash(first) == hash(second)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.timezone = "Europe/Berlin"  # type: ignore[misc]


def test_naive_datetimes_are_refused(office: BusinessCalendar) -> None:
    naive, aware = datetime(2024, 6, 17, 9), utc(2024, 6, 17, 9)
    for call in (
        lambda: office.is_open(naive),
        lambda: office.next_open(naive),
        lambda: office.add_business_time(naive, HOUR),
        lambda: office.business_time_between(aware, naive),
        lambda: office.open_intervals(naive, aware),  # refused when called, not when iterated
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_negative_duration_is_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        office.add_business_time(utc(2024, 6, 17, 9), -HOUR)


@pytest.mark.parametrize("zone", ["Europe/Berln", "", "Europe", "utc", "../etc/passwd"])
def test_unknown_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar.from_hours(zone, {"mon": "09:00-17:00"})


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"mon": "09:00-13:00, 12:00-18:00"}, "overlaps"),
        ({"mon": "18:00-09:00"}, "closes before it opens"),
        ({"mon": "09:00-24:30"}, "not a clock time"),
        ({"mon": "9-5"}, "expected an interval"),
        ({"mon-fri": "09:00-17:00", "mon": "10:00-12:00"}, "more than once"),
        ({"fri-mon": "09:00-17:00"}, "forwards"),
        ({"funday": "09:00-17:00"}, "unknown weekday"),
        ({}, "never open"),
        ({"mon-sun": "closed"}, "never open"),
    ],
)
def test_invalid_hours_are_refused_with_a_clear_message(hours: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_hours("UTC", hours)


def test_calendar_with_no_future_opening_fails_instead_of_looping() -> None:
    one_day_only = BusinessCalendar.from_hours("UTC", {}, special_hours={date(2024, 1, 2): "09:00-17:00"})
    assert one_day_only.add_business_time(utc(2024, 1, 1), HOUR) == utc(2024, 1, 2, 10)
    later = utc(2024, 6, 1)
    with pytest.raises(CalendarNeverOpenError, match="no open time"):
        one_day_only.add_business_time(later, HOUR)
    with pytest.raises(CalendarNeverOpenError):
        one_day_only.next_open(later)
    assert not one_day_only.is_open(later)
    assert one_day_only.business_time_between(utc(2023, 1, 1), utc(2025, 1, 1)) == 8 * HOUR

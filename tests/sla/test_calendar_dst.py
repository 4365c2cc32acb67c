"""Worked examples across clock changes: hours are on the local wall clock, durations are real time.

2024 changes used here: Berlin 31 Mar 02:00 CET -> 03:00 CEST (01:00Z) and 27 Oct 03:00 CEST
-> 02:00 CET (01:00Z); New York 10 Mar 02:00 EST -> 03:00 EDT (07:00Z) and 3 Nov 02:00 EDT
-> 01:00 EST (06:00Z). Moscow has stayed on UTC+3 all year since 2014.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontline.sla.calendar import BusinessCalendar

HOUR = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def berlin_sundays(hours: str) -> BusinessCalendar:
    return BusinessCalendar.from_hours("Europe/Berlin", {"sun": hours})


def test_berlin_office_hours_follow_the_wall_clock_over_spring_forward() -> None:
    office = BusinessCalendar.from_hours("Europe/Berlin", {"mon-fri": "09:00-18:00"})
    # Fri 29 Mar 17:00 CET is 16:00Z; Mon 1 Apr 10:00 CEST is 08:00Z (opening moved from 08:00Z to 07:00Z).
    assert office.add_business_time(utc(2024, 3, 29, 16), 2 * HOUR) == utc(2024, 4, 1, 8)
    assert office.next_open(utc(2024, 3, 30)) == utc(2024, 4, 1, 7)


def test_berlin_spring_forward_day_is_23_hours_long() -> None:
    always = BusinessCalendar.always_open("Europe/Berlin")
    # Local midnight 31 Mar (CET) is 30 Mar 23:00Z; local midnight 1 Apr (CEST) is 31 Mar 22:00Z.
    assert always.business_time_between(utc(2024, 3, 30, 23), utc(2024, 3, 31, 22)) == 23 * HOUR
    assert always.add_business_time(utc(2024, 3, 30, 11), 24 * HOUR) == utc(2024, 3, 31, 11)  # 13:00 CEST


def test_berlin_hours_containing_the_gap_are_an_hour_shorter() -> None:
    night = berlin_sundays("01:00-05:00")
    # 01:00 CET = 00:00Z, 05:00 CEST = 03:00Z: three real hours.
    assert list(night.open_intervals(utc(2024, 3, 30), utc(2024, 4, 1))) == [(utc(2024, 3, 31), utc(2024, 3, 31, 3))]


def test_berlin_opening_time_inside_the_gap_opens_when_the_gap_ends() -> None:
    odd = berlin_sundays("02:30-04:00")
    # 02:30 does not exist; the desk opens at 03:00 CEST (01:00Z) and closes at 04:00 CEST (02:00Z).
    assert odd.next_open(utc(2024, 3, 31)) == utc(2024, 3, 31, 1)
    assert odd.business_time_between(utc(2024, 3, 31), utc(2024, 4, 1)) == HOUR
    closing_in_gap = berlin_sundays("01:00-02:30")
    # Closes when 02:30 would have come: at 03:00 CEST (01:00Z), one real hour after 01:00 CET.
    assert list(closing_in_gap.open_intervals(utc(2024, 3, 30), utc(2024, 4, 1))) == [
        (utc(2024, 3, 31), utc(2024, 3, 31, 1))
    ]


def test_berlin_fall_back_day_is_25_hours_long() -> None:
    always = BusinessCalendar.always_open("Europe/Berlin")
    # Local midnight 27 Oct (CEST) is 26 Oct 22:00Z; local midnight 28 Oct (CET) is 27 Oct 23:00Z.
    assert always.business_time_between(utc(2024, 10, 26, 22), utc(2024, 10, 27, 23)) == 25 * HOUR
    night = berlin_sundays("01:00-05:00")
    # 01:00 CEST = 26 Oct 23:00Z, 05:00 CET = 04:00Z: five real hours.
    assert night.business_time_between(utc(2024, 10, 26), utc(2024, 10, 28)) == 5 * HOUR


def test_berlin_times_inside_the_fold_take_their_first_occurrence() -> None:
    odd = berlin_sundays("02:30-04:00")
    # Opens at the first 02:30 (CEST, 00:30Z) and stays open through the repeated hour to 04:00 CET (03:00Z).
    assert odd.next_open(utc(2024, 10, 27)) == utc(2024, 10, 27, 0, 30)
    assert odd.is_open(utc(2024, 10, 27, 1, 15))  # 02:15 CET, the second time round
    assert odd.business_time_between(utc(2024, 10, 27), utc(2024, 10, 28)) == 2 * HOUR + 30 * timedelta(minutes=1)
    early = berlin_sundays("00:00-02:00")
    # Closes at the first 02:00 (CEST, 00:00Z); the second pass through 02:00-03:00 stays closed.
    assert not early.is_open(utc(2024, 10, 27, 1, 30))
    assert early.business_time_between(utc(2024, 10, 26), utc(2024, 10, 28)) == 2 * HOUR


def test_new_york_night_desk_over_both_changes() -> None:
    nights = BusinessCalendar.from_hours("America/New_York", {"mon-sun": "00:00-06:00, 22:00-24:00"})
    # 9->10 Mar: 22:00 EST = 03:00Z, 06:00 EDT = 10:00Z: seven real hours, one merged interval.
    assert list(nights.open_intervals(utc(2024, 3, 10, 1), utc(2024, 3, 10, 20))) == [
        (utc(2024, 3, 10, 3), utc(2024, 3, 10, 10))
    ]
    # 2->3 Nov: 22:00 EDT = 02:00Z, 06:00 EST = 11:00Z: nine real hours.
    assert nights.business_time_between(utc(2024, 11, 3, 1), utc(2024, 11, 3, 20)) == 9 * HOUR


def test_new_york_office_over_fall_back_weekend() -> None:
    office = BusinessCalendar.from_hours("America/New_York", {"mon-fri": "09:00-17:00"})
    # Fri 1 Nov 16:00 EDT (20:00Z) + 2 h: one hour Friday, then Mon 4 Nov 09:00-10:00 EST (14:00-15:00Z).
    assert office.add_business_time(utc(2024, 11, 1, 20), 2 * HOUR) == utc(2024, 11, 4, 15)
    assert office.add_business_time(utc(2024, 3, 8, 21), 2 * HOUR) == utc(2024, 3, 11, 14)  # 10:00 EDT


def test_new_york_interval_starting_in_the_fold() -> None:
    odd = BusinessCalendar.from_hours("America/New_York", {"sun": "01:30-03:00"})
    # First 01:30 is EDT (05:30Z); 03:00 EST is 08:00Z.
    assert list(odd.open_intervals(utc(2024, 11, 3), utc(2024, 11, 4))) == [
        (utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 8))
    ]


def test_moscow_has_the_same_utc_hours_all_year() -> None:
    office = BusinessCalendar.from_hours("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    assert office.next_open(utc(2024, 1, 15)) == utc(2024, 1, 15, 6)
    assert office.next_open(utc(2024, 7, 15)) == utc(2024, 7, 15, 6)
    # The week in which Europe changed its clocks is five plain 9-hour days.
    assert office.business_time_between(utc(2024, 3, 25), utc(2024, 4, 1)) == 5 * 9 * HOUR
    assert office.add_business_time(utc(2024, 3, 29, 14), 2 * HOUR) == utc(2024, 4, 1, 7)

"""Parsing and validating opening hours written as text."""

from __future__ import annotations

import pytest

from frontline.sla.hours import OpeningInterval, parse_day, weekday_numbers, weekly_from_spec


def test_interval_round_trips_through_text() -> None:
    interval = OpeningInterval.parse(" 9:05 - 24:00 ")
    assert (interval.start_minute, interval.end_minute, interval.minutes) == (545, 1440, 895)
    assert str(interval) == "09:05-24:00"


def test_day_accepts_text_lists_and_closed() -> None:
    assert parse_day("09:00-13:00, 14:00-18:00") == parse_day(["09:00-13:00", "14:00-18:00"])
    assert len(parse_day("09:00-13:00, 14:00-18:00")) == 2
    assert parse_day("closed") == parse_day("") == parse_day([]) == ()


def test_weekday_keys() -> None:
    assert weekday_numbers("mon-fri") == [0, 1, 2, 3, 4]
    assert weekday_numbers("Sunday") == [6]
    assert weekday_numbers(2) == [2]
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        weekday_numbers(7)


def test_weekly_spec_sorts_and_fills_closed_days() -> None:
    week = weekly_from_spec({"sat": "14:00-18:00, 10:00-12:00"})
    assert [str(interval) for interval in week[5]] == ["10:00-12:00", "14:00-18:00"]
    assert week[:5] == ((),) * 5 and week[6] == ()


def test_touching_intervals_are_allowed_but_overlaps_are_not() -> None:
    assert len(weekly_from_spec({"mon": "09:00-12:00, 12:00-18:00"})[0]) == 2
    with pytest.raises(ValueError, match="Monday: opening interval 09:00-12:01 overlaps 12:00-18:00"):
        weekly_from_spec({"mon": "09:00-12:01, 12:00-18:00"})


@pytest.mark.parametrize("text", ["09:60-10:00", "25:00-26:00", "10:00", "10:00-11:00-12:00", "ab:cd-10:00"])
def test_malformed_intervals_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        OpeningInterval.parse(text)


def test_interval_bounds_are_checked_when_built_directly() -> None:
    with pytest.raises(ValueError, match="closing time"):
        OpeningInterval(0, 1441)
    with pytest.raises(ValueError, match="opening time"):
        OpeningInterval(1440, 1440)

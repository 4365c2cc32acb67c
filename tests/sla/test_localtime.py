"""Wall-clock to UTC mapping: gaps open when they end, folds take the first occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from frontline.sla.localtime import load_zone, require_aware, wall_to_utc


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "minute", "expected"),
    [
        ("Europe/Berlin", date(2024, 3, 31), 150, utc(2024, 3, 31, 1)),  # 02:30 in the gap -> 03:00 CEST
        ("Europe/Berlin", date(2024, 3, 31), 180, utc(2024, 3, 31, 1)),  # 03:00 CEST itself
        ("Europe/Berlin", date(2024, 3, 31), 119, utc(2024, 3, 31, 0, 59)),  # 01:59 CET, just before
        ("Europe/Berlin", date(2024, 10, 27), 150, utc(2024, 10, 27, 0, 30)),  # 02:30 first time: CEST
        ("America/New_York", date(2024, 3, 10), 150, utc(2024, 3, 10, 7)),  # 02:30 in the gap -> 03:00 EDT
        ("America/New_York", date(2024, 11, 3), 90, utc(2024, 11, 3, 5, 30)),  # 01:30 first time: EDT
        ("Australia/Lord_Howe", date(2024, 10, 6), 130, utc(2024, 10, 5, 15, 30)),  # 30-minute gap 02:00-02:30
        ("America/Santiago", date(2024, 9, 8), 0, utc(2024, 9, 8, 4)),  # midnight skipped: day starts 01:00
        ("America/Santiago", date(2024, 4, 6), 1410, utc(2024, 4, 7, 2, 30)),  # 23:30 first time: -03
        ("America/Santiago", date(2024, 4, 6), 1440, utc(2024, 4, 7, 4)),  # 24:00 = 7 Apr 00:00 -04
        ("Europe/Moscow", date(2024, 3, 31), 150, utc(2024, 3, 30, 23, 30)),
    ],
)
def test_wall_to_utc(zone: str, day: date, minute: int, expected: datetime) -> None:
    assert wall_to_utc(ZoneInfo(zone), day, minute) == expected


def test_wall_to_utc_is_monotonic_through_a_whole_changing_day() -> None:
    zone = ZoneInfo("Europe/Berlin")
    for day in (date(2024, 3, 31), date(2024, 10, 27)):
        instants = [wall_to_utc(zone, day, minute) for minute in range(0, 1441)]
        assert instants == sorted(instants)


def test_load_zone_explains_bad_names() -> None:
    assert load_zone("Asia/Kathmandu").key == "Asia/Kathmandu"
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        load_zone("Mars/Olympus")


def test_require_aware_converts_to_utc_and_refuses_naive() -> None:
    plus_three = datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=3)))
    assert require_aware(plus_three) == utc(2024, 1, 1, 9)
    assert require_aware(plus_three).tzinfo is UTC
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        require_aware(datetime(2024, 1, 1), "start")

"""Public holidays from the `holidays` package, including Russia's transferred working Saturdays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from frontline.sla.calendar import BusinessCalendar
from frontline.sla.holiday_import import holiday_dates, public_holidays, with_public_holidays

HOUR = timedelta(hours=1)


def test_german_holidays_include_fixed_and_easter_dates() -> None:
    days = holiday_dates("DE", [2025])
    assert {date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 12, 25)} <= days
    assert all(day.year == 2025 for day in days)
    assert date(2025, 1, 6) in holiday_dates("DE", [2025], subdivision="BY")  # Epiphany, Bavaria only
    assert date(2025, 1, 6) not in days


def test_russian_new_year_break_and_working_saturday() -> None:
    imported = public_holidays("RU", [2024, 2025])
    assert {date(2025, 1, day) for day in range(1, 9)} <= imported.days_off
    assert date(2024, 12, 28) in imported.working_weekend_days  # Saturday worked instead of 31 Dec


def test_moscow_office_due_time_over_the_new_year_break() -> None:
    office = BusinessCalendar.from_hours("Europe/Moscow", {"mon-fri": "09:00-18:00"})
    friday_five_pm = datetime(2024, 12, 27, 14, tzinfo=UTC)  # 17:00 MSK
    only_days_off = office.with_holidays(holiday_dates("RU", [2024, 2025]))
    # Closed 28 Dec to 8 Jan (weekend, 30-31 Dec days off, New Year holidays): due Thu 9 Jan 10:00 MSK.
    assert only_days_off.add_business_time(friday_five_pm, 2 * HOUR) == datetime(2025, 1, 9, 7, tzinfo=UTC)
    with_saturday = with_public_holidays(office, public_holidays("RU", [2024, 2025]))
    # Saturday 28 Dec is a working day with Monday's hours: due 10:00 MSK that Saturday.
    assert with_saturday.add_business_time(friday_five_pm, 2 * HOUR) == datetime(2024, 12, 28, 7, tzinfo=UTC)


def test_unknown_country_and_missing_years_are_refused() -> None:
    with pytest.raises(ValueError, match="no rules for country 'XX'"):
        holiday_dates("XX", [2025])
    with pytest.raises(ValueError, match="no rules for country 'DE' subdivision 'ZZ'"):
        holiday_dates("DE", [2025], subdivision="ZZ")
    with pytest.raises(ValueError, match="at least one year"):
        holiday_dates("DE", [])

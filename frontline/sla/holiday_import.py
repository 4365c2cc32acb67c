"""Public holidays from the `holidays` package, ready to put into a `BusinessCalendar`.

The package works offline from bundled rules. Some countries also move working days onto
weekends (Russia's transferred Saturdays); those come back as `working_weekend_days` so a
calendar can open on them instead of silently staying closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from frontline.sla.calendar import BusinessCalendar


@dataclass(frozen=True)
class PublicHolidays:
    country: str
    subdivision: str | None
    days_off: frozenset[date]
    working_weekend_days: frozenset[date]


def public_holidays(country: str, years: Iterable[int], subdivision: str | None = None) -> PublicHolidays:
    """Holidays of `country` (ISO code such as 'RU', 'DE') and optional subdivision ('BY') for `years`."""
    import holidays as holidays_package  # heavy: holidays + dateutil, ~10 MiB; only this import needs them

    year_list = sorted(set(years))
    if not year_list:
        raise ValueError("give at least one year to import holidays for")
    try:
        table = holidays_package.country_holidays(country, subdiv=subdivision, years=year_list)
    except NotImplementedError as error:
        where = f"country {country!r}" + (f" subdivision {subdivision!r}" if subdivision else "")
        raise ValueError(f"the holidays package has no rules for {where}") from error
    working = frozenset(getattr(table, "weekend_workdays", ()) or ())
    return PublicHolidays(
        country=country,
        subdivision=subdivision,
        days_off=frozenset(table.keys()),
        working_weekend_days=frozenset(day for day in working if day.year in year_list),
    )


def holiday_dates(country: str, years: Iterable[int], subdivision: str | None = None) -> frozenset[date]:
    """Just the days off, for `BusinessCalendar(holidays=...)`."""
    return public_holidays(country, years, subdivision).days_off


def with_public_holidays(
    calendar: BusinessCalendar, imported: PublicHolidays, *, workday_hours_from: int | None = 0
) -> BusinessCalendar:
    """`calendar` plus the imported days off; working weekend days get the hours of weekday
    `workday_hours_from` (0 = Monday) unless they already have special hours, or stay as
    they are when it is None."""
    result = calendar.with_holidays(imported.days_off)
    if workday_hours_from is None:
        return result
    existing = dict(calendar.special_hours)
    hours = calendar.weekly_hours[workday_hours_from]
    extra = {day: hours for day in imported.working_weekend_days if day not in existing}
    return result.with_special_hours(extra) if extra else result

"""Business calendars: when a support desk is open, and exact business-time arithmetic on it.

A `BusinessCalendar` is an immutable description (time zone, weekly hours, holidays, special
hours). All instants going in must be timezone-aware; all instants coming out are UTC.
The rules (DST gaps and folds, zero durations, pauses) are in docs/sla-clock.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from frontline.sla import spans
from frontline.sla.hours import (
    FULL_DAY,
    WEEKDAY_TITLES,
    DayHours,
    DaySpec,
    OpeningInterval,
    normalise_day,
    parse_day,
    weekly_from_spec,
)
from frontline.sla.localtime import load_zone, wall_to_utc

Span = tuple[datetime, datetime]
_SPAN_CACHE_DAYS = 20_000


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours of a desk on its local wall clock.

    `weekly_hours` has seven entries, Monday first. A date in `special_hours` uses those
    hours instead of the weekly ones (an empty tuple closes it); a date in `holidays` is
    closed all day unless it also has special hours, which are the more specific rule.
    """

    timezone: str
    weekly_hours: tuple[DayHours, ...]
    holidays: frozenset[date] = frozenset()
    special_hours: tuple[tuple[date, DayHours], ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _special: dict[date, DayHours] = field(init=False, repr=False, compare=False)
    _span_cache: dict[date, tuple[Span, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", load_zone(self.timezone))
        object.__setattr__(self, "_span_cache", {})
        if len(self.weekly_hours) != 7:
            raise ValueError(f"weekly hours need 7 days (Monday first), got {len(self.weekly_hours)}")
        week = tuple(normalise_day(day, WEEKDAY_TITLES[n]) for n, day in enumerate(self.weekly_hours))
        object.__setattr__(self, "weekly_hours", week)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        special: dict[date, DayHours] = {}
        for day, intervals in self.special_hours:
            if day in special:
                raise ValueError(f"special hours for {day.isoformat()} are given more than once")
            special[day] = normalise_day(intervals, day.isoformat())
        object.__setattr__(self, "special_hours", tuple(sorted(special.items())))
        object.__setattr__(self, "_special", special)
        if not any(week) and not any(special.values()):
            raise ValueError("calendar is never open: give weekly hours or special hours")

    # -- constructors -------------------------------------------------------------------

    @classmethod
    def from_hours(
        cls,
        timezone: str,
        hours: Mapping[str, DaySpec] | Mapping[int, DaySpec],
        *,
        holidays: Iterable[date] = (),
        special_hours: Mapping[date, DaySpec] | None = None,
    ) -> BusinessCalendar:
        """Build from text, e.g. `from_hours("Europe/Berlin", {"mon-fri": "09:00-13:00, 14:00-18:00"})`."""
        special = tuple((day, parse_day(spec)) for day, spec in (special_hours or {}).items())
        return cls(timezone, weekly_from_spec(hours), frozenset(holidays), special)

    @classmethod
    def always_open(cls, timezone: str = "UTC", *, holidays: Iterable[date] = ()) -> BusinessCalendar:
        """A 24/7 desk; the time zone only matters for which instants `holidays` cover."""
        return cls(timezone, (FULL_DAY,) * 7, frozenset(holidays))

    def with_holidays(self, days: Iterable[date]) -> BusinessCalendar:
        """A copy with more holidays."""
        return replace(self, holidays=self.holidays | frozenset(days))

    def with_special_hours(self, hours: Mapping[date, DayHours]) -> BusinessCalendar:
        """A copy where `hours` replace (or add) special hours for their dates."""
        merged = {**dict(self.special_hours), **hours}
        return replace(self, special_hours=tuple(merged.items()))

    # -- the local model ----------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def hours_on(self, day: date) -> DayHours:
        """Opening intervals on a local date, after holidays and special hours."""
        if day in self._special:
            return self._special[day]
        if day in self.holidays:
            return ()
        return self.weekly_hours[day.weekday()]

    def utc_spans_on(self, day: date) -> tuple[Span, ...]:
        """The local date's opening intervals as UTC spans (DST rules in `localtime`).

        Memoised per calendar object: an SLA engine asks about the same few weeks for many
        tickets, and the calendar is immutable, so the answer for a date never changes.
        """
        cached = self._span_cache.get(day)
        if cached is not None:
            return cached
        result = []
        for interval in self.hours_on(day):
            start = wall_to_utc(self._zone, day, interval.start_minute)
            end = wall_to_utc(self._zone, day, interval.end_minute)
            if start < end:  # an interval lying wholly in a DST gap has no real time
                result.append((start, end))
        if len(self._span_cache) >= _SPAN_CACHE_DAYS:
            self._span_cache.clear()
        self._span_cache[day] = spans_of_day = tuple(result)
        return spans_of_day

    # -- arithmetic (UTC in, UTC out) ---------------------------------------------------

    def is_open(self, instant: datetime) -> bool:
        """Whether the desk is open at `instant` (opening inclusive, closing exclusive)."""
        return spans.is_open(self, instant)

    def next_open(self, instant: datetime) -> datetime:
        """`instant` itself if open, else the next opening (CalendarNeverOpenError after 10 years)."""
        return spans.next_open(self, instant)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which `duration` of open time has passed since `start`."""
        return spans.add_business_time(self, start, duration)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end); negative (minus the open time of [end, start)) if end < start."""
        return spans.business_time_between(self, start, end)

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Span]:
        """Maximal open UTC intervals within [start, end), clipped to it, in order."""
        return spans.open_intervals(self, start, end)


__all__ = ["BusinessCalendar", "OpeningInterval", "Span"]

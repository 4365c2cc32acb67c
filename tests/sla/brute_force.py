"""A deliberately naive reference for business-time arithmetic: look at every UTC minute.

For each minute it reads the local wall clock and checks that date's hours (special hours,
then holidays, then weekly hours). It shares no code with `frontline.sla` beyond reading the
calendar's data fields. Only the fold rule needs a word: during the second pass through a
repeated hour the desk keeps the state it had just before the clocks went back, which is
what "boundaries in a fold take effect at their first occurrence" means minute by minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from frontline.sla.calendar import BusinessCalendar

MINUTE = timedelta(minutes=1)


@lru_cache(maxsize=128)
def local_readings(zone_name: str, window_start: datetime, minutes: int) -> tuple[tuple[date, int, int], ...]:
    """(local date, minute of day, fold) for each UTC minute; cached because it is the slow part."""
    zone = ZoneInfo(zone_name)
    readings = []
    for index in range(minutes):
        local = (window_start + index * MINUTE).astimezone(zone)
        readings.append((local.date(), local.hour * 60 + local.minute, local.fold))
    return tuple(readings)


def hours_by_reference(calendar: BusinessCalendar, day: date) -> list[tuple[int, int]]:
    special = dict(calendar.special_hours)
    if day in special:
        intervals = special[day]
    elif day in calendar.holidays:
        intervals = ()
    else:
        intervals = calendar.weekly_hours[day.weekday()]
    return [(interval.start_minute, interval.end_minute) for interval in intervals]


def _day_mask(intervals: list[tuple[int, int]]) -> list[bool]:
    """Open or not for each minute of a local day."""
    mask = [False] * (24 * 60)
    for start, end in intervals:
        mask[start:end] = [True] * (end - start)
    return mask


@dataclass(frozen=True)
class MinuteReference:
    """Open flags for every UTC minute of [window_start, window_start + len(flags) minutes)."""

    window_start: datetime
    flags: tuple[bool, ...]

    @classmethod
    def build(cls, calendar: BusinessCalendar, window_start: datetime, minutes: int) -> MinuteReference:
        readings = local_readings(calendar.timezone, window_start, minutes)
        masks = {day: _day_mask(hours_by_reference(calendar, day)) for day in {reading[0] for reading in readings}}
        flags: list[bool] = []
        state = False
        for day, minute, fold in readings:
            if not (fold and flags):  # second pass of a repeated hour: keep the state
                state = masks[day][minute]
            flags.append(state)
        return cls(window_start, tuple(flags))

    def index(self, instant: datetime) -> int:
        return (instant - self.window_start) // MINUTE

    def instant(self, index: int) -> datetime:
        return (self.window_start + index * MINUTE).astimezone(UTC)

    def is_open(self, instant: datetime) -> bool:
        return self.flags[self.index(instant)]

    def count(self, start: datetime, end: datetime) -> int:
        """Open minutes in [start, end), both whole minutes inside the window."""
        return sum(self.flags[self.index(start) : self.index(end)])

    def add(self, start: datetime, minutes: int) -> datetime | None:
        """End of the `minutes`-th open minute from `start`; `start` for zero; None past the window."""
        if minutes == 0:
            return start
        seen = 0
        for index in range(self.index(start), len(self.flags)):
            seen += self.flags[index]
            if seen == minutes:
                return self.instant(index + 1)
        return None

    def next_open(self, start: datetime) -> datetime | None:
        for index in range(self.index(start), len(self.flags)):
            if self.flags[index]:
                return self.instant(index)
        return None

    def runs(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Maximal runs of open minutes in [start, end)."""
        result: list[tuple[datetime, datetime]] = []
        run_start: int | None = None
        last = self.index(end)
        for index in range(self.index(start), last + 1):
            is_open = index < last and self.flags[index]
            if is_open and run_start is None:
                run_start = index
            elif not is_open and run_start is not None:
                result.append((self.instant(run_start), self.instant(index)))
                run_start = None
        return result

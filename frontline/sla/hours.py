"""Opening hours on the local wall clock: intervals, weekday names and their validation.

Pure and time-zone free; `calendar.py` turns these into UTC instants. Times are whole
minutes after local midnight so that 24:00 (end of day) is representable and exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_TITLES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSED_WORDS = frozenset({"", "closed"})

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

DaySpec = str | Sequence[str]
"""One day's hours as text: "09:00-13:00, 14:00-18:00", a list of such pieces, or "closed"."""


@dataclass(frozen=True, order=True)
class OpeningInterval:
    """Open from `start_minute` (inclusive) to `end_minute` (exclusive), local wall clock.

    `end_minute` may be 1440, i.e. 24:00, so a day can stay open up to midnight.
    """

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < MINUTES_PER_DAY:
            raise ValueError(f"opening time must be within 00:00-23:59, got minute {self.start_minute}")
        if not 0 < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(f"closing time must be within 00:01-24:00, got minute {self.end_minute}")
        if self.end_minute <= self.start_minute:
            raise ValueError(f"opening interval {self} closes before it opens")

    @classmethod
    def parse(cls, text: str) -> OpeningInterval:
        """Read "HH:MM-HH:MM"; the end may be "24:00"."""
        pieces = text.split("-")
        if len(pieces) != 2:
            raise ValueError(f"expected an interval like '09:00-18:00', got {text!r}")
        return cls(_parse_clock(pieces[0], text), _parse_clock(pieces[1], text))

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute

    def __str__(self) -> str:
        return f"{format_clock(self.start_minute)}-{format_clock(self.end_minute)}"


DayHours = tuple[OpeningInterval, ...]
FULL_DAY: DayHours = (OpeningInterval(0, MINUTES_PER_DAY),)


def format_clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _parse_clock(text: str, whole: str) -> int:
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"expected an interval like '09:00-18:00', got {whole!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes > 0):
        raise ValueError(f"{text.strip()!r} is not a clock time (00:00 to 24:00) in {whole!r}")
    return hours * 60 + minutes


def parse_day(spec: DaySpec) -> DayHours:
    """Parse one day's hours; "closed", "" or an empty list mean closed all day."""
    pieces = spec.split(",") if isinstance(spec, str) else list(spec)
    texts = [piece.strip() for piece in pieces]
    return tuple(OpeningInterval.parse(text) for text in texts if text.lower() not in CLOSED_WORDS)


def normalise_day(intervals: Iterable[OpeningInterval], day_label: str) -> DayHours:
    """Sort one day's intervals and reject overlaps (touching intervals are fine)."""
    ordered = tuple(sorted(intervals))
    for before, after in pairwise(ordered):
        if after.start_minute < before.end_minute:
            raise ValueError(f"{day_label}: opening interval {before} overlaps {after}")
    return ordered


def weekday_numbers(key: str | int) -> list[int]:
    """Weekdays named by a key: 0..6 (Monday = 0), "mon", "monday" or a range like "mon-fri"."""
    if isinstance(key, int):
        if not 0 <= key <= 6:
            raise ValueError(f"weekday numbers run from 0 (Monday) to 6 (Sunday), got {key}")
        return [key]
    parts = [_weekday_number(part) for part in key.split("-")]
    if len(parts) == 1:
        return parts
    if len(parts) != 2 or parts[0] > parts[1]:
        raise ValueError(f"weekday range must run forwards within one week, like 'mon-fri', got {key!r}")
    return list(range(parts[0], parts[1] + 1))


def _weekday_number(name: str) -> int:
    word = name.strip().lower()
    for number, (short, title) in enumerate(zip(WEEKDAY_NAMES, WEEKDAY_TITLES, strict=True)):
        if word in (short, title.lower()):
            return number
    raise ValueError(f"unknown weekday {name!r}: use mon, tue, wed, thu, fri, sat or sun")


def weekly_from_spec(hours: Mapping[str, DaySpec] | Mapping[int, DaySpec]) -> tuple[DayHours, ...]:
    """Seven days of hours, Monday first, from {"mon-fri": "09:00-18:00", "sat": "10:00-14:00"}.

    Days not mentioned are closed; naming a day twice is an error rather than a silent override.
    """
    week: list[DayHours | None] = [None] * 7
    for key, spec in hours.items():
        for day in weekday_numbers(key):
            if week[day] is not None:
                raise ValueError(f"{WEEKDAY_TITLES[day]} is given more than once in the weekly hours")
            week[day] = normalise_day(parse_day(spec), WEEKDAY_TITLES[day])
    return tuple(day or () for day in week)

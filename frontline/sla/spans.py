"""Business-time arithmetic by walking a calendar's open spans day by day, in UTC.

Each local date contributes a few UTC spans (its opening intervals); the walk never looks
at minutes, so its cost grows with the number of calendar days covered, not with duration
resolution. Spans of consecutive days may touch (24/7, night shifts); only
`open_intervals` merges them, so an always-open calendar never makes a walk wait forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from frontline.sla.localtime import local_date, require_aware

if TYPE_CHECKING:
    from frontline.sla.calendar import BusinessCalendar, Span

SEARCH_LIMIT_DAYS = 3653
"""How long (about 10 years) a walk may see no open time at all before giving up."""

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


class CalendarNeverOpenError(ValueError):
    """The calendar has no open time within the search limit after some instant."""


def iter_spans(
    calendar: BusinessCalendar,
    since: datetime,
    until: datetime | None = None,
    limit_days: int | None = SEARCH_LIMIT_DAYS,
) -> Iterator[Span]:
    """Open spans ending after `since` (and starting before `until`, if given), in order, unclipped.

    Raises CalendarNeverOpenError after `limit_days` consecutive closed days, so a walk over a
    calendar with no future opening fails clearly instead of looping forever.
    """
    zone = calendar.zone
    # Neighbouring local days can reach this instant: the previous day's hours end at the
    # earliest at today's 00:00, and a fold spanning midnight puts tomorrow's first
    # occurrence before the second pass through today's last hour.
    day = local_date(since, zone) - _ONE_DAY
    last_day = local_date(until, zone) + _ONE_DAY if until is not None else None
    closed_days = 0
    while last_day is None or day <= last_day:
        day_spans = calendar.utc_spans_on(day)
        closed_days = 0 if day_spans else closed_days + 1
        if limit_days is not None and closed_days > limit_days:
            raise CalendarNeverOpenError(
                f"calendar ({calendar.timezone}) has no open time in the {limit_days} days after {since.isoformat()}"
            )
        for start, end in day_spans:
            if until is not None and start >= until:
                return
            if end > since:
                yield start, end
        day += _ONE_DAY


def is_open(calendar: BusinessCalendar, instant: datetime) -> bool:
    moment = require_aware(instant)
    today = local_date(moment, calendar.zone)
    days = (today - _ONE_DAY, today, today + _ONE_DAY)  # see iter_spans for why the neighbours
    return any(start <= moment < end for day in days for start, end in calendar.utc_spans_on(day))


def next_open(calendar: BusinessCalendar, instant: datetime) -> datetime:
    moment = require_aware(instant)
    start, _ = next(iter_spans(calendar, moment))  # never exhausted: it raises instead
    return max(start, moment)


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """Earliest instant t >= start with business_time_between(start, t) == duration.

    Hence a zero duration is due at `start` itself (even while closed), and a duration that
    runs out exactly at closing time is due at closing time, not at the next opening.
    """
    origin = require_aware(start, "start")
    if duration < _ZERO:
        raise ValueError(f"business time to add must not be negative, got {duration}")
    remaining = duration
    if remaining == _ZERO:
        return origin
    for span_start, span_end in iter_spans(calendar, origin):
        begin = max(span_start, origin)
        if remaining <= span_end - begin:
            return begin + remaining
        remaining -= span_end - begin
    raise AssertionError("iter_spans without `until` ends only by raising")


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Open time in [start, end); antisymmetric, so `end` before `start` gives a negative result."""
    first, last = require_aware(start, "start"), require_aware(end, "end")
    if last < first:
        return -business_time_between(calendar, last, first)
    total = _ZERO
    for span_start, span_end in iter_spans(calendar, first, last, limit_days=None):
        total += min(span_end, last) - max(span_start, first)
    return total


def open_intervals(calendar: BusinessCalendar, start: datetime, end: datetime) -> Iterator[Span]:
    """Maximal open intervals clipped to [start, end); touching spans of adjacent days are merged."""
    first, last = require_aware(start, "start"), require_aware(end, "end")
    return _merged_spans(calendar, first, last)


def _merged_spans(calendar: BusinessCalendar, first: datetime, last: datetime) -> Iterator[Span]:
    if last <= first:
        return
    pending: Span | None = None
    for span_start, span_end in iter_spans(calendar, first, last, limit_days=None):
        piece = (max(span_start, first), min(span_end, last))
        if pending is not None and piece[0] <= pending[1]:
            pending = (pending[0], max(pending[1], piece[1]))
            continue
        if pending is not None:
            yield pending
        pending = piece
    if pending is not None:
        yield pending

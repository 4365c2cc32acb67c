"""SLA clocks that pause: business time stops counting while a ticket waits on the customer.

The clock counts the calendar's open time after `start` minus every pause. A pause therefore
moves the deadline by exactly the business time it swallowed; a pause over a closed night
moves it by nothing. A pause with no end (still pending) stops the clock for good, so
while it lasts there is no deadline unless the target was already reached before it began.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.sla.calendar import BusinessCalendar, Span
from frontline.sla.localtime import require_aware
from frontline.sla.spans import SEARCH_LIMIT_DAYS, iter_spans

_ZERO = timedelta(0)


@dataclass(frozen=True)
class Pause:
    """The clock stood still from `start` until `end`; `end=None` means it still does."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class ClockReading:
    """An SLA clock at one instant. `remaining` is negative once the target is overrun."""

    elapsed: timedelta
    remaining: timedelta
    due: datetime | None  # None while paused (open-ended pause) before the target was reached
    paused: bool
    breached: bool


_OpenPause = tuple[datetime, datetime | None]


def _normalise_pauses(pauses: Iterable[Pause]) -> list[_OpenPause]:
    """Pauses as sorted, merged UTC periods, so overlapping or duplicated pauses count once."""
    periods: list[_OpenPause] = []
    for pause in pauses:
        start = require_aware(pause.start, "pause start")
        end = None if pause.end is None else require_aware(pause.end, "pause end")
        if end is not None and end < start:
            raise ValueError(f"pause ends ({end.isoformat()}) before it starts ({start.isoformat()})")
        periods.append((start, end))
    periods.sort(key=lambda period: period[0])
    merged: list[_OpenPause] = []
    for start, end in periods:
        if merged and _reaches(merged[-1][1], start):
            previous_start, previous_end = merged[-1]
            merged[-1] = (previous_start, None if end is None or previous_end is None else max(previous_end, end))
        else:
            merged.append((start, end))
    return merged


def _reaches(end: datetime | None, instant: datetime) -> bool:
    return end is None or end >= instant


def _subtract(span: Span, pauses: Sequence[_OpenPause]) -> Iterator[Span]:
    """The parts of `span` outside every pause."""
    cursor, span_end = span
    for pause_start, pause_end in pauses:
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start >= span_end:
            break
        if pause_start > cursor:
            yield cursor, pause_start
        if pause_end is None:
            return
        cursor = max(cursor, pause_end)
        if cursor >= span_end:
            return
    if cursor < span_end:
        yield cursor, span_end


def _counting_spans(
    calendar: BusinessCalendar, start: datetime, pauses: list[_OpenPause], until: datetime | None
) -> Iterator[Span]:
    """Open, unpaused spans after `start`; they stop for good where an open-ended pause begins."""
    stop = next((pause_start for pause_start, pause_end in pauses if pause_end is None), None)
    limit = until if stop is None or (until is not None and until < stop) else stop
    search_limit = SEARCH_LIMIT_DAYS if limit is None else None
    for span_start, span_end in iter_spans(calendar, start, limit, limit_days=search_limit):
        clipped = (max(span_start, start), span_end if limit is None else min(span_end, limit))
        if clipped[0] < clipped[1]:
            yield from _subtract(clipped, pauses)


def paused_due_time(
    calendar: BusinessCalendar, start: datetime, target: timedelta, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """When `target` business time has counted since `start`, pauses excluded.

    None when an open-ended pause began before the target was reached (no deadline while
    waiting on the customer). Same zero rule as `add_business_time`: a zero target is due at start.
    """
    origin = require_aware(start, "start")
    if target < _ZERO:
        raise ValueError(f"SLA target must not be negative, got {target}")
    periods = _normalise_pauses(pauses)
    if target == _ZERO:
        return origin
    remaining = target
    for span_start, span_end in _counting_spans(calendar, origin, periods, None):
        if remaining <= span_end - span_start:
            return span_start + remaining
        remaining -= span_end - span_start
    return None


def paused_elapsed(
    calendar: BusinessCalendar, start: datetime, now: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Business time counted in [start, now), pauses excluded; zero if `now` is not after `start`."""
    origin, moment = require_aware(start, "start"), require_aware(now, "now")
    periods = _normalise_pauses(pauses)
    if moment <= origin:
        return _ZERO
    return sum(
        (end - begin for begin, end in _counting_spans(calendar, origin, periods, moment)),
        _ZERO,
    )


def read_clock(
    calendar: BusinessCalendar, start: datetime, target: timedelta, now: datetime, pauses: Iterable[Pause] = ()
) -> ClockReading:
    """Elapsed, remaining, due time and state of an SLA clock at `now`.

    Breached means `now` is after the due time (a reply exactly at the due instant is in time).
    """
    moment = require_aware(now, "now")
    pause_list = list(pauses)
    elapsed = paused_elapsed(calendar, start, moment, pause_list)
    due = paused_due_time(calendar, start, target, pause_list)
    paused = any(
        require_aware(p.start, "pause start") <= moment and (p.end is None or moment < require_aware(p.end))
        for p in pause_list
    )
    return ClockReading(
        elapsed=elapsed,
        remaining=target - elapsed,
        due=due,
        paused=paused,
        breached=due is not None and moment > due,
    )

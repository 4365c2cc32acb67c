"""Local wall-clock times to UTC instants, with one deterministic rule for DST gaps and folds.

* A wall-clock time inside a gap (skipped by a spring-forward change) maps to the first
  valid instant after the gap, i.e. the instant of the change.
* A wall-clock time inside a fold (repeated by a fall-back change) maps to its first
  occurrence.

Both rules keep the mapping monotonic, so consecutive local intervals never overlap in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ONE_SECOND = timedelta(seconds=1)


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a ValueError that says what was wrong."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"time zone must be an IANA name such as 'Europe/Berlin', got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin'") from error


def require_aware(instant: datetime, what: str = "time") -> datetime:
    """`instant` as UTC; naive datetimes are refused because their meaning is a guess."""
    if not isinstance(instant, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (UTC), got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The date on the local wall calendar at a UTC instant."""
    return instant.astimezone(zone).date()


def wall_to_utc(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The UTC instant at which the wall clock of `zone` first shows `day` + `minute` (or passes it).

    `minute` may be 1440 (24:00), which is the next day's 00:00.
    """
    local = datetime.combine(day, time()) + timedelta(minutes=minute)
    first_offset = local.replace(tzinfo=zone, fold=0).utcoffset()
    second_offset = local.replace(tzinfo=zone, fold=1).utcoffset()
    assert first_offset is not None and second_offset is not None
    if first_offset < second_offset:
        return _gap_end(zone, local, first_offset, second_offset)
    # Unambiguous (equal offsets) or a fold: fold=0 is the first occurrence.
    return (local - first_offset).replace(tzinfo=UTC)


def _gap_end(zone: ZoneInfo, local: datetime, before: timedelta, after: timedelta) -> datetime:
    """The instant a spring-forward gap containing `local` ends: the first valid time after it.

    The change lies in (local - after, local - before]; zone offsets change on whole
    seconds, so a short bisection over seconds finds it exactly.
    """
    low = (local - after).replace(tzinfo=UTC)  # still on the old offset
    high = (local - before).replace(tzinfo=UTC)  # already on the new offset
    while high - low > _ONE_SECOND:
        middle = low + (high - low) // 2
        middle = middle.replace(microsecond=0)
        if _offset_at(zone, middle) == after:
            high = middle
        else:
            low = middle
    return high


def _offset_at(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset

"""Pure timing rules shared by both backends: retry backoff and the grid periodic jobs run on.

Kept free of I/O so the SQLite runner, the procrastinate retry strategy and tests agree exactly.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
DAY = timedelta(days=1)


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Delay before the next try after `attempts` failed runs: 10 s, 20 s, 40 s ... capped at 1 h.

    Up to 20 % random jitter is added so jobs that failed together (a mail server down) do not all
    come back in the same second.
    """
    if attempts < 1:
        raise ValueError("backoff is for a job that has failed at least once")
    exponent = min(attempts - 1, 20)
    delay = min(BACKOFF_BASE * (2**exponent), BACKOFF_CAP)
    jitter = (rng or random).uniform(0.0, 0.2)
    return delay * (1 + jitter)


def check_interval(every: timedelta) -> None:
    """Periodic intervals must split a day evenly, so the grid is the same on every machine and
    can be written as a cron line for procrastinate (whose periodic tasks are cron based)."""
    seconds = every.total_seconds()
    if seconds < 1 or seconds != int(seconds) or DAY.total_seconds() % seconds:
        raise ValueError(f"periodic interval {every} must be whole seconds dividing a day evenly")
    cron_line(every)


def cron_line(every: timedelta) -> str:
    """The cron expression (with procrastinate's optional seconds field) for an even interval."""
    seconds = int(every.total_seconds())
    if seconds < 60 and 60 % seconds == 0:
        return f"* * * * * */{seconds}"
    if seconds % 60 == 0 and seconds < 3600 and 3600 % seconds == 0:
        return f"*/{seconds // 60} * * * *"
    if seconds % 3600 == 0 and seconds < 86400 and 86400 % seconds == 0:
        return f"0 */{seconds // 3600} * * *"
    if seconds == 86400:
        return "0 0 * * *"
    raise ValueError(f"periodic interval {every} has no cron form; pick one that divides a minute, hour or day")


def previous_tick(every: timedelta, at: datetime) -> datetime:
    """The latest grid point at or before `at` (grid = multiples of `every` from midnight UTC)."""
    step = int(every.total_seconds())
    stamp = int(at.timestamp())
    return datetime.fromtimestamp(stamp - stamp % step, UTC)


def next_tick(every: timedelta, after: datetime) -> datetime:
    """The first grid point strictly after `after`."""
    return previous_tick(every, after) + every

"""Pure timing rules: backoff, the periodic grid and its cron form."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from croniter import croniter

from frontline.jobs.schedule import backoff, check_interval, cron_line, next_tick, previous_tick


def test_backoff_doubles_from_ten_seconds_with_bounded_jitter() -> None:
    rng = random.Random(7)
    for attempts in range(1, 30):
        nominal = min(10 * 2 ** (attempts - 1), 3600)
        delay = backoff(attempts, rng=rng).total_seconds()
        assert nominal <= delay <= nominal * 1.2


def test_backoff_jitter_spreads_jobs_that_failed_together() -> None:
    rng = random.Random(1)
    assert len({backoff(3, rng=rng) for _ in range(50)}) > 40


def test_backoff_needs_a_failure() -> None:
    with pytest.raises(ValueError):
        backoff(0)


@pytest.mark.parametrize("seconds", [1, 5, 15, 30, 60, 300, 900, 3600, 7200, 21600, 86400])
def test_cron_line_fires_exactly_on_the_grid(seconds: int) -> None:
    every = timedelta(seconds=seconds)
    check_interval(every)
    start = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    cron = croniter(cron_line(every), start)
    fired = [cron.get_next(datetime) for _ in range(3)]
    expected = [next_tick(every, start) + every * i for i in range(3)]
    assert [f.astimezone(UTC) for f in fired] == expected


@pytest.mark.parametrize("seconds", [0.5, 7, 45, 100, 5000, 86400 * 2])
def test_uneven_intervals_are_refused(seconds: float) -> None:
    with pytest.raises(ValueError):
        check_interval(timedelta(seconds=seconds))


def test_ticks_bracket_the_moment() -> None:
    every = timedelta(minutes=5)
    at = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert previous_tick(every, at) == datetime(2026, 3, 14, 9, 25, tzinfo=UTC)
    assert next_tick(every, at) == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    on_grid = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert previous_tick(every, on_grid) == on_grid
    assert next_tick(every, on_grid) == on_grid + every

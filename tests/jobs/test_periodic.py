"""Periodic jobs run once per tick of their grid, however often the runner looks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from frontline.jobs import handler, periodic, run_pending
from frontline.jobs.schedule import next_tick, previous_tick
from frontline.kit.db import Database, utcnow


def test_periodic_job_runs_once_per_tick(database: Database) -> None:
    seen: list[str] = []

    @periodic("test.every_minute", every=timedelta(minutes=1))
    def poll(db: Session, payload: dict[str, Any]) -> None:
        seen.append(payload["scheduled_for"])

    every = timedelta(minutes=1)
    start = utcnow()
    assert run_pending(database, now=start) == 1
    assert run_pending(database, now=start) == 0
    later = next_tick(every, start)
    assert run_pending(database, now=later - timedelta(milliseconds=1)) == 0
    assert run_pending(database, now=later) == 1
    assert run_pending(database, now=later + timedelta(seconds=30)) == 0
    assert seen == [previous_tick(every, start).isoformat(), later.isoformat()]


def test_periodic_registration_checks_the_interval_and_the_kind() -> None:
    with pytest.raises(ValueError, match="divid"):
        periodic("test.odd", every=timedelta(seconds=7))

    @handler("test.taken")
    def first(db: Session, payload: dict[str, Any]) -> None:
        return None

    with pytest.raises(ValueError, match="already"):
        handler("test.taken")(lambda db, payload: None)

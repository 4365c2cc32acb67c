"""A failing job comes back after growing delays, then ends failed and tells the domain."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from frontline.jobs import enqueue, run_pending
from frontline.kit.db import Database, utcnow
from tests.jobs.conftest import job_states
from tests.jobs.handlers import lines


def test_failing_job_backs_off_then_fails_and_runs_on_failure(database: Database, tmp_path: Path) -> None:
    marker, failed = tmp_path / "attempts.txt", tmp_path / "failed.txt"
    with database.session() as db:
        enqueue(db, "test.flaky", {"marker": str(marker), "failed_marker": str(failed)})
    now = utcnow()
    delays = []
    for attempt in range(1, 4):
        assert run_pending(database, now=now) == 1
        (state,) = job_states(database)
        assert (state.status, state.attempts) == ("queued", attempt)
        assert state.run_at is not None
        delays.append(state.run_at - now)
        assert run_pending(database, now=state.run_at - timedelta(seconds=1)) == 0  # not yet
        now = state.run_at
    assert run_pending(database, now=now) == 1
    (state,) = job_states(database)
    assert (state.status, state.attempts) == ("failed", 4)
    assert run_pending(database, now=now + timedelta(days=1)) == 0
    assert lines(marker) == ["attempt"] * 4
    assert lines(failed) == ["RuntimeError: mail server said no"]
    base = [10, 20, 40]
    for delay, nominal in zip(delays, base, strict=True):
        assert timedelta(seconds=nominal) <= delay <= timedelta(seconds=nominal * 1.2 + 0.01)


def test_unknown_kind_fails_without_retry(database: Database) -> None:
    with database.session() as db:
        enqueue(db, "test.nobody_handles_this", {})
    run_pending(database)
    assert [(s.status, s.attempts) for s in job_states(database)] == [("failed", 1)]

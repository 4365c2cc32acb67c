"""Jobs follow their transaction: rolled back means never run, committed means run once."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline.jobs import enqueue, run_pending
from frontline.kit.db import Database
from tests.jobs.conftest import job_states
from tests.jobs.handlers import lines


def test_job_of_rolled_back_transaction_never_runs(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    with pytest.raises(RuntimeError), database.session() as db:
        enqueue(db, "test.touch", {"marker": str(marker)})
        raise RuntimeError("the domain change failed")
    assert run_pending(database) == 0
    assert job_states(database) == []
    assert not marker.exists()


def test_committed_job_runs_exactly_once(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    with database.session() as db:
        enqueue(db, "test.touch", {"marker": str(marker), "note": "hello"})
    assert [s.status for s in job_states(database)] == ["queued"]
    assert run_pending(database) == 1
    assert run_pending(database) == 0
    assert lines(marker) == ["hello"]
    assert [(s.status, s.attempts) for s in job_states(database)] == [("done", 1)]


def test_job_enqueued_by_a_handler_commits_with_it(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    with database.session() as db:
        enqueue(db, "test.chain", {"marker": str(marker)})
    ran = run_pending(database)
    assert ran == 2  # the chain job, then the follow-up it queued in its own transaction
    assert lines(marker) == ["chained"]


def test_delayed_job_waits_for_its_time(database: Database, tmp_path: Path) -> None:
    from datetime import timedelta

    from frontline.kit.db import utcnow

    marker = tmp_path / "ran.txt"
    start = utcnow()
    with database.session() as db:
        enqueue(db, "test.touch", {"marker": str(marker)}, run_at=start + timedelta(minutes=5))
    assert run_pending(database, now=start + timedelta(minutes=4)) == 0
    assert not marker.exists()
    assert run_pending(database, now=start + timedelta(minutes=5, seconds=1)) == 1
    assert lines(marker) == ["ran"]


def test_dedupe_key_keeps_one_waiting_job(database: Database, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    payload = {"marker": str(marker)}
    with database.session() as db:
        enqueue(db, "test.touch", payload, dedupe_key="ticket-7")
        enqueue(db, "test.touch", payload, dedupe_key="ticket-7")
    with database.session() as db:
        enqueue(db, "test.touch", payload, dedupe_key="ticket-7")
        enqueue(db, "test.touch", payload, dedupe_key="ticket-8")
        enqueue(db, "test.chain", payload, dedupe_key="ticket-7")  # keys are per kind
    assert [s.kind for s in job_states(database)] == ["test.touch", "test.touch", "test.chain"]
    assert run_pending(database) == 4  # three, plus the follow-up the chain job queued
    assert sorted(lines(marker)) == ["chained", "ran", "ran"]
    with database.session() as db:  # the first one has run: the key is free again
        enqueue(db, "test.touch", payload, dedupe_key="ticket-7")
    assert [s.status for s in job_states(database)][-1] == "queued"


def test_payload_must_be_json(database: Database) -> None:
    from datetime import datetime

    with pytest.raises(TypeError), database.session() as db:
        enqueue(db, "test.touch", {"when": datetime(2026, 1, 1)})
    with pytest.raises(ValueError, match="timezone"), database.session() as db:
        enqueue(db, "test.touch", {}, run_at=datetime(2026, 1, 1))


def test_handler_with_its_own_transactions_runs_outside_the_runners_and_is_retried(
        database: Database, tmp_path: Path) -> None:
    """Mail jobs talk to servers between short transactions of their own: the runner holds none for them, what
    they commit stays committed when they fail later, and a failed run is retried like any job."""
    from datetime import timedelta

    from frontline.kit.db import utcnow

    marker, flag = tmp_path / "ran.txt", tmp_path / "failed-once"
    with database.session() as db:
        enqueue(db, "test.own", {"marker": str(marker), "fail_first": str(flag)})
    start = utcnow()
    run_pending(database, now=start)
    assert flag.exists() and "own" not in lines(marker)
    run_pending(database, now=start + timedelta(hours=2))
    assert lines(marker).count("own") == 1
    assert lines(marker).count("from own transaction") == 2  # each attempt's own commit stood
    assert [s.status for s in job_states(database) if s.kind == "test.own"] == ["done"]

"""Fixtures for the job tests: a clean registry and, on PostgreSQL, an empty procrastinate queue."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from frontline.jobs import registry
from frontline.jobs.models import Job
from frontline.kit.db import Database
from tests.conftest import PROCRASTINATE_TABLES


@pytest.fixture(autouse=True)
def restore_registry() -> Iterator[None]:
    """Each job test starts without the domains' periodic jobs (SLA checks, automations, mail polling):
    tests that ran before may have registered them, and their ticks would show up in the counts."""
    handlers, periodic = dict(registry.HANDLERS), dict(registry.PERIODIC)
    registry.PERIODIC.clear()
    yield
    registry.HANDLERS.clear()
    registry.HANDLERS.update(handlers)
    registry.PERIODIC.clear()
    registry.PERIODIC.update(periodic)


def _empty_queue(database: Database) -> None:
    if not database.is_sqlite:
        with database.session() as db:
            db.execute(text(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} CASCADE"))


@pytest.fixture(autouse=True)
def empty_procrastinate_queue(request: pytest.FixtureRequest) -> Iterator[None]:
    if "database" not in request.fixturenames:
        yield
        return
    database: Database = request.getfixturevalue("database")
    _empty_queue(database)
    yield
    _empty_queue(database)


@dataclass(frozen=True)
class JobState:
    kind: str
    status: str  # our words on both backends: queued, running, done, failed
    attempts: int
    run_at: datetime | None


_PG_STATUS = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed"}


def job_states(database: Database) -> list[JobState]:
    """The test jobs (kinds `test.*`) in queue order, read from whichever table holds them; worker
    processes also tick the domains' periodic jobs, which are left out."""
    with database.session(write=False) as db:
        if database.is_sqlite:
            return [JobState(j.kind, j.status, j.attempts, j.run_at)
                    for j in db.scalars(select(Job).where(Job.kind.startswith("test.")).order_by(Job.id))]
        rows: Any = db.execute(text(
            "SELECT task_name, status::text, attempts, scheduled_at FROM procrastinate.procrastinate_jobs "
            "WHERE task_name LIKE 'test.%' ORDER BY id"
        ))
        # procrastinate counts finished runs; ours counts started ones (a running job has one more)
        return [JobState(kind, _PG_STATUS[status], attempts + (status == "doing"), at)
                for kind, status, attempts, at in rows]

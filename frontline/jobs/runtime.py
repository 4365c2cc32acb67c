"""Entry points that pick the backend: enqueue, run_pending, and the in-process runner."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol

import anyio
from sqlalchemy import text
from sqlalchemy.orm import Session

from frontline.jobs import local, queue
from frontline.jobs.models import Job, JobStatus
from frontline.jobs.registry import HANDLERS
from frontline.jobs.thread import LocalRunner, runners_of, wake_runners
from frontline.kit.db import Database, after_commit
from frontline.kit.settings import Settings

log = logging.getLogger("frontline.jobs")


def enqueue(
    db: Session, kind: str, payload: dict[str, Any], *,
    run_at: datetime | None = None, dedupe_key: str | None = None,
) -> None:
    """Queue a job inside the caller's transaction: it runs iff that transaction commits.

    `run_at` delays it; `dedupe_key` makes this a no-op while a job of the same kind and key is still
    waiting to run (once it has started, a new one may be queued: the change came after it looked).
    """
    body = json.loads(json.dumps(payload))  # fail here, not in the worker, on what JSON cannot carry
    if local.insert_job(db, kind, body, run_at, dedupe_key) and db.get_bind().dialect.name != "postgresql":
        after_commit(db, wake_runners)  # PostgreSQL: procrastinate's trigger NOTIFYs the workers on commit


def run_pending(database: Database, *, now: datetime | None = None) -> int:
    """Run every job due at `now` (default: the real clock) synchronously; returns how many ran.

    For tests and one-off commands. Periodic jobs whose tick has come are queued first. With a fixed
    `now`, failed jobs are retried at `now` + backoff, so each call advances time deterministically.
    """
    if not database.is_sqlite:
        from frontline.jobs.pg_worker import run_pending_pg

        return run_pending_pg(database, now)
    with ExitStack() as stack:
        for runner in runners_of(database):  # never race this process's runner thread
            stack.enter_context(runner.busy)
        return local.run_due(database, now)


class Runner(Protocol):
    def stop(self, timeout: float = ...) -> None: ...


class UnknownJobKinds(RuntimeError):
    """Jobs wait in the database that no registered handler can run (a module missing from discovery)."""


def unknown_queued(database: Database) -> list[str]:
    """Kinds of jobs waiting (or running) in the database that have no handler in this process."""
    if database.is_sqlite:
        query = (f"SELECT DISTINCT kind FROM {Job.__tablename__} WHERE status IN "
                 f"('{JobStatus.queued}', '{JobStatus.running}')")
    else:
        query = f"SELECT DISTINCT task_name FROM {queue.SCHEMA}.procrastinate_jobs WHERE status IN ('todo', 'doing')"
    with database.session(write=False) as db:
        kinds = [str(row[0]) for row in db.execute(text(query))]
    return sorted(k for k in kinds if k not in HANDLERS and k != queue.RECOVER_TASK)


def check_handlers(database: Database) -> None:
    """Fail loudly at start-up when queued jobs could never run here (rather than failing them one by one)."""
    missing = unknown_queued(database)
    if missing:
        raise UnknownJobKinds(
            f"Jobs of kind {', '.join(missing)} are queued but no handler is registered for them: add the module "
            "that registers them to FRONTLINE_JOB_MODULES (or `frontline worker --import MODULE`).")


def start_in_process(database: Database, settings: Settings) -> Runner:
    """Start the background runner of a web process (see docs/jobs.md) and return it for stop().

    The process is wired already (frontline.wiring.install); queued kinds without a handler stop it here."""
    check_handlers(database)
    if database.is_sqlite:
        runner = LocalRunner(database, poll_seconds=settings.jobs_poll_seconds,
                             lease=timedelta(seconds=settings.jobs_lease_seconds))
        runner.start()
        return runner
    from frontline.jobs.pg_thread import ProcrastinateThread

    thread = ProcrastinateThread(database, concurrency=settings.worker_concurrency)
    thread.start()
    return thread


def jobs_lifespan(settings: Settings) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """FastAPI lifespan: start the in-process runner with the app (if enabled), stop it on shutdown."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        runner = None
        if settings.jobs_in_process:
            runner = await anyio.to_thread.run_sync(start_in_process, app.state.database, settings)
        try:
            yield
        finally:
            if runner is not None:
                await anyio.to_thread.run_sync(runner.stop)

    return lifespan

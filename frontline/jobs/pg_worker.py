"""PostgreSQL backend, worker side: our handlers as procrastinate tasks.

Each registered kind becomes a procrastinate task of the same name. procrastinate fetches jobs with
`FOR UPDATE SKIP LOCKED`, so any number of `frontline worker` processes on any number of machines
can share the queue; LISTEN/NOTIFY wakes them the moment an enqueuing transaction commits.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from datetime import UTC, datetime
from typing import Any

import procrastinate
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job as ProcrastinateJob
from procrastinate.jobs import Status
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from sqlalchemy import make_url, text

from frontline.jobs.execute import call_on_failure, describe
from frontline.jobs.queue import QUEUE, RECOVER_TASK, SCHEMA
from frontline.jobs.registry import HANDLERS, PERIODIC, Handler
from frontline.jobs.schedule import backoff, cron_line, previous_tick
from frontline.kit.db import Database, utcnow

log = logging.getLogger("frontline.jobs")

STALLED_AFTER_SECONDS = 30.0

# Test time: `run_pending(now=...)` makes retries count from `now` and counts the jobs it ran.
_CLOCK: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("frontline_jobs_clock", default=None)
_RAN: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("frontline_jobs_ran", default=None)


def _now() -> datetime:
    return _CLOCK.get() or utcnow()


class BackoffRetry(BaseRetryStrategy):
    """Our retry rule in procrastinate terms: `max_attempts` runs in all, `backoff()` between them."""

    def __init__(self, max_attempts: int) -> None:
        self.max_attempts = max_attempts

    def get_retry_decision(self, *, exception: BaseException, job: ProcrastinateJob) -> RetryDecision | None:
        runs = job.attempts + 1
        if runs >= self.max_attempts:
            return None
        return RetryDecision(retry_at=_now() + backoff(runs))


def conninfo(url: str) -> str:
    """libpq form of our SQLAlchemy URL, for procrastinate's own psycopg pool."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(database: Database, *, periodic: bool = True, pool_size: int = 4) -> procrastinate.App:
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(database.url), kwargs={"options": f"-c search_path={SCHEMA}"},
        min_size=1, max_size=pool_size,
    )
    app = procrastinate.App(connector=connector)
    for handler in HANDLERS.values():
        task = app.task(name=handler.kind, queue=QUEUE, pass_context=True,
                        retry=BackoffRetry(handler.max_attempts))(_task_body(database, handler))
        if periodic and handler.kind in PERIODIC:
            app.periodic(cron=cron_line(PERIODIC[handler.kind].every))(task)
    if periodic:
        recover = app.task(name=RECOVER_TASK, queue=QUEUE, pass_context=True)(_recover_body(database))
        app.periodic(cron="* * * * *")(recover)
    return app


def _task_body(database: Database, handler: Handler) -> Any:
    def run(context: JobContext, payload: dict[str, Any] | None = None,
            dedupe_key: str | None = None, timestamp: int | None = None) -> None:
        if timestamp is not None:  # a periodic tick deferred by procrastinate
            payload = {"scheduled_for": datetime.fromtimestamp(timestamp, UTC).isoformat()}
        body = payload or {}
        ran = _RAN.get()
        if ran is not None:
            ran.append(handler.kind)
        try:
            if handler.own is not None:
                handler.run(database, None, body)
            else:
                with database.session() as db:
                    handler.run(database, db, body)
        except Exception as exc:
            if context.job.attempts + 1 >= handler.max_attempts:
                call_on_failure(database, handler, body, describe(exc))
            raise

    run.__name__ = run.__qualname__ = handler.kind.replace(".", "_")
    return run


def _recover_body(database: Database) -> Any:
    async def recover(context: JobContext, timestamp: int) -> None:
        await recover_stalled_async(context.app, database)

    return recover


async def recover_stalled_async(app: procrastinate.App, database: Database,
                                stalled_after: float = STALLED_AFTER_SECONDS) -> int:
    """Requeue jobs whose worker stopped sending heartbeats (it crashed or lost its machine).

    procrastinate leaves such jobs `doing`; this is its documented recipe, run every minute as a
    periodic task. A job whose lost run was its last allowed attempt is failed (and on_failure runs).
    """
    jobs = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    for job in jobs:
        handler = HANDLERS.get(job.task_name)
        if handler is not None and job.attempts + 1 >= handler.max_attempts:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            error = "the worker running this job stopped before it finished"
            payload = job.task_kwargs.get("payload")
            body = payload if isinstance(payload, dict) else {}
            await asyncio.to_thread(call_on_failure, database, handler, body, error)
        else:
            await app.job_manager.retry_job(job, retry_at=_now())
    return len(jobs)


def defer_periodic_ticks(database: Database, now: datetime) -> None:
    """Defer the current tick of every periodic kind exactly as procrastinate's deferrer would, so a
    running worker deferring the same tick is a no-op (used by `run_pending`)."""
    query = text(
        f"SELECT {SCHEMA}.procrastinate_defer_periodic_job_v2(:queue, NULL, NULL, :task, 0, '', :stamp, "
        "CAST(:args AS jsonb))"
    )
    with database.session() as db:
        for item in PERIODIC.values():
            stamp = int(previous_tick(item.every, now).timestamp())
            db.execute(query, {"queue": QUEUE, "task": item.kind, "stamp": stamp, "args": f'{{"timestamp": {stamp}}}'})


def run_pending_pg(database: Database, now: datetime | None = None) -> int:
    """Run every job due at `now` in this thread with procrastinate's worker (wait=False), then return.

    Jobs scheduled up to `now` are brought forward to the database clock so the worker fetches them;
    retries are scheduled from `now`, so they wait for a later call.
    """
    at = now or utcnow()
    defer_periodic_ticks(database, at)
    with database.session() as db:
        db.execute(text(
            f"UPDATE {SCHEMA}.procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' "
            "AND queue_name = :queue AND scheduled_at > now() AND scheduled_at <= :at"
        ), {"queue": QUEUE, "at": at})
    ran: list[str] = []
    clock, counter = _CLOCK.set(now), _RAN.set(ran)
    try:
        asyncio.run(_drain(build_app(database, periodic=False, pool_size=2)))
    finally:
        _CLOCK.reset(clock)
        _RAN.reset(counter)
    return len(ran)


async def _drain(app: procrastinate.App) -> None:
    async with app.open_async():
        await app.run_worker_async(queues=[QUEUE], wait=False, concurrency=1, listen_notify=False,
                                   install_signal_handlers=False, update_heartbeat_interval=5.0)


def recover_stalled(database: Database, *, stalled_after: float = STALLED_AFTER_SECONDS,
                    now: datetime | None = None) -> int:
    """Synchronous `recover_stalled_async` (tests, admin commands)."""

    async def recover() -> int:
        app = build_app(database, periodic=False, pool_size=1)
        async with app.open_async():
            return await recover_stalled_async(app, database, stalled_after)

    clock = _CLOCK.set(now)
    try:
        return asyncio.run(recover())
    finally:
        _CLOCK.reset(clock)


def worker_options(concurrency: int, *, in_thread: bool) -> dict[str, Any]:
    return {
        "queues": [QUEUE], "concurrency": concurrency, "wait": True,
        "install_signal_handlers": not in_thread, "shutdown_graceful_timeout": 30.0,
        "update_heartbeat_interval": 10.0, "stalled_worker_timeout": STALLED_AFTER_SECONDS,
    }

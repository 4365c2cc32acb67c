"""The embedded backend: jobs in our own `job` table, claimed and run by this process.

SQLite has one writer at a time, so a claim (select + update inside one `BEGIN IMMEDIATE`
transaction) can never hand the same job to two runners, even across processes. A handler runs in
its own write transaction, and the job is marked done in that same transaction: its database effects
and its completion commit together. A process that dies mid-job leaves the row `running`; once
`locked_until` passes, another runner claims it again (at-least-once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from frontline.jobs import queue
from frontline.jobs.execute import call_on_failure, describe
from frontline.jobs.models import Job, JobSchedule, JobStatus
from frontline.jobs.registry import HANDLERS, PERIODIC, Handler
from frontline.jobs.schedule import backoff, next_tick, previous_tick
from frontline.kit.db import Database, utcnow
from frontline.kit.rawsql import Raw

log = logging.getLogger("frontline.jobs")

DEFAULT_LEASE = timedelta(minutes=10)
STALLED_ERROR = "the process running this job stopped before it finished"


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


def insert_job(
    db: Session, kind: str, payload: dict[str, Any], run_at: datetime | None, dedupe_key: str | None
) -> bool:
    """Add a queued job to the caller's transaction (frontline/jobs/queue.py: a `job` row on SQLite, a
    procrastinate job on PostgreSQL); False when an equal dedupe key is still queued."""
    known = HANDLERS.get(kind)
    return queue.add(Raw(db), kind, payload, run_at=run_at, dedupe_key=dedupe_key,
                     max_attempts=known.max_attempts if known else 1)


def _due(now: datetime) -> Any:
    queued = and_(Job.status == JobStatus.queued, Job.run_at <= now)
    stalled = and_(Job.status == JobStatus.running, Job.locked_until <= now)
    return or_(queued, stalled)


def has_due(database: Database, now: datetime) -> bool:
    """A cheap read (no writer lock) to decide whether a claim is worth a write transaction."""
    with database.session(write=False) as db:
        return bool(db.scalar(select(exists().where(_due(now)))))


def claim_next(database: Database, now: datetime, lease: timedelta = DEFAULT_LEASE) -> Claimed | None:
    """Take the oldest due job (queued, or running with an expired lease) and mark it running.

    A stalled job whose last allowed attempt was the one that died is finished as failed instead.
    """
    while True:
        failed: tuple[Handler | None, dict[str, Any]] | None = None
        with database.session() as db:
            job = db.scalars(select(Job).where(_due(now)).order_by(Job.run_at, Job.id).limit(1)).first()
            if job is None:
                return None
            handler = HANDLERS.get(job.kind)
            if handler is not None:
                job.max_attempts = handler.max_attempts
            if job.status == JobStatus.running and job.attempts >= job.max_attempts:
                _finish(job, JobStatus.failed, now, STALLED_ERROR)
                failed = (handler, job.payload)
            else:
                job.status, job.attempts, job.locked_until = JobStatus.running, job.attempts + 1, now + lease
                return Claimed(job.id, job.kind, job.payload, job.attempts)
        if failed and failed[0] is not None:
            call_on_failure(database, failed[0], failed[1], STALLED_ERROR)


def _finish(job: Job, status: JobStatus, now: datetime, error: str | None) -> None:
    job.status, job.finished_at, job.locked_until, job.last_error = status, now, None, error


def run_claimed(database: Database, claimed: Claimed, now: datetime) -> None:
    """Run one claimed job; on error retry it later with backoff, or fail it after its last attempt."""
    handler = HANDLERS.get(claimed.kind)
    if handler is None:
        _record_failure(database, claimed, now, f"no handler registered for job kind {claimed.kind!r}", final=True)
        return
    try:
        if handler.own is not None:
            handler.run(database, None, claimed.payload)
        with database.session() as db:
            if handler.own is None:
                handler.run(database, db, claimed.payload)
            db.execute(
                update(Job)
                .where(Job.id == claimed.id, Job.status == JobStatus.running, Job.attempts == claimed.attempts)
                .values(status=JobStatus.done, finished_at=now, locked_until=None, last_error=None)
            )
    except Exception as exc:
        final = claimed.attempts >= handler.max_attempts
        log.warning("job %s #%s attempt %s failed%s", claimed.kind, claimed.id, claimed.attempts,
                    " for the last time" if final else "", exc_info=True)
        error = describe(exc)
        if _record_failure(database, claimed, now, error, final=final):
            call_on_failure(database, handler, claimed.payload, error)


def _record_failure(database: Database, claimed: Claimed, now: datetime, error: str, *, final: bool) -> bool:
    """Requeue with backoff or mark failed; False if another runner took the job over meanwhile."""
    with database.session() as db:
        job = db.get(Job, claimed.id)
        if job is None or job.status != JobStatus.running or job.attempts != claimed.attempts:
            return False
        if final:
            _finish(job, JobStatus.failed, now, error)
        else:
            job.status, job.locked_until, job.last_error = JobStatus.queued, None, error
            job.run_at = now + backoff(claimed.attempts)
        return final


def schedule_periodic(database: Database, now: datetime) -> None:
    """Queue each periodic job whose tick has come, once, and persist its next tick.

    Missed ticks (the desk was down) collapse into one run. The re-check happens inside the write
    transaction, so several processes never queue the same tick twice.
    """
    if not PERIODIC:
        return
    with database.session(write=False) as db:
        planned = {kind: at for kind, at in db.execute(select(JobSchedule.kind, JobSchedule.next_run_at))}
    if all(kind in planned and planned[kind] > now for kind in PERIODIC):
        return
    with database.session() as db:
        for item in PERIODIC.values():
            row = db.get(JobSchedule, item.kind)
            if row is not None and row.next_run_at > now:
                continue
            tick = previous_tick(item.every, now)
            insert_job(db, item.kind, {"scheduled_for": tick.isoformat()}, now, "periodic")
            if row is None:
                db.add(JobSchedule(kind=item.kind, next_run_at=next_tick(item.every, now)))
            else:
                row.next_run_at = next_tick(item.every, now)


def run_due(
    database: Database, now: datetime | None = None, lease: timedelta = DEFAULT_LEASE,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Schedule due periodic jobs, then run due jobs until none is left; returns how many ran.

    With a fixed `now` (tests), a retried job lands after `now` and is not run again in this call.
    """
    fixed = now
    count = 0
    schedule_periodic(database, fixed or utcnow())
    while keep_going() and has_due(database, fixed or utcnow()):
        claimed = claim_next(database, fixed or utcnow(), lease)
        if claimed is None:
            break
        run_claimed(database, claimed, fixed or utcnow())
        count += 1
    return count

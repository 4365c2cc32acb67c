"""Putting a job in the queue: one function, in plain SQL on the caller's transaction, for every enqueuer.

`frontline.jobs.enqueue` calls it on a session's connection (through kit/rawsql.Raw); `frontline mail-gate`,
which must start without SQLAlchemy, on its own DB-API connection (kit/dbapi). Either way the job exists iff
the caller's transaction commits. SQLite: a row of our `job` table (the runners poll for it); PostgreSQL: a
procrastinate job (its trigger NOTIFYs the workers on commit).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontline.kit.dbapi import Sql

SCHEMA = "procrastinate"
QUEUE = "frontline"
# procrastinate's own periodic task of ours that re-queues jobs of dead workers (not a handler of the registry)
RECOVER_TASK = "frontline.jobs.recover_stalled"


def add(sql: Sql, kind: str, payload: dict[str, Any], *, run_at: datetime | None = None,
        dedupe_key: str | None = None, max_attempts: int = 1) -> bool:
    """Queue a job of `kind` in the transaction `sql` runs in; False when `dedupe_key` is set and a job of the
    same kind and key is still waiting. `max_attempts` is what the handler allows (SQLite keeps it on the row;
    the runner takes the handler's own value again when it claims the job)."""
    if run_at is not None and run_at.tzinfo is None:
        raise ValueError("run_at must be timezone-aware")
    if sql.postgres:
        return _defer(sql, kind, payload, run_at, dedupe_key)
    return _insert(sql, kind, payload, run_at, dedupe_key, max_attempts)


def _insert(sql: Sql, kind: str, payload: dict[str, Any], run_at: datetime | None, dedupe_key: str | None,
            max_attempts: int) -> bool:
    """A row of the embedded backend. The check-then-insert is race-free: every SQLite write transaction holds
    the one writer."""
    if dedupe_key is not None and sql.one(
            "SELECT 1 FROM job WHERE kind = :kind AND dedupe_key = :key AND status = 'queued' LIMIT 1",
            {"kind": kind, "key": dedupe_key}):
        return False
    now = datetime.now(UTC)
    sql.run("INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at)"
            " VALUES (:kind, :payload, 'queued', 0, :max, :run_at, :key, :now)",
            {"kind": kind, "payload": sql.json(payload), "max": max_attempts, "run_at": sql.time(run_at or now),
             "key": dedupe_key, "now": sql.time(now)})
    return True


def _defer(sql: Sql, kind: str, payload: dict[str, Any], run_at: datetime | None, dedupe_key: str | None) -> bool:
    """A procrastinate job. Dedupe: a transaction-scoped advisory lock per (kind, key) serialises concurrent
    enqueuers, so the second one waits for the first to commit and then sees its queued twin."""
    args: dict[str, Any] = {"payload": payload}
    if dedupe_key is not None:
        args["dedupe_key"] = dedupe_key
        sql.run("SELECT pg_advisory_xact_lock(hashtextextended(:lock, 0))",
                {"lock": f"frontline.jobs:{kind}:{dedupe_key}"})
        if sql.one(f"SELECT 1 FROM {SCHEMA}.procrastinate_jobs WHERE task_name = :task AND status = 'todo'"
                   " AND args->>'dedupe_key' = :key LIMIT 1", {"task": kind, "key": dedupe_key}):
            return False
    sql.run(f"SELECT {SCHEMA}.procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
            f"CAST(:args AS jsonb), CAST(:run_at AS timestamptz))::{SCHEMA}.procrastinate_job_to_defer_v1])",
            {"queue": QUEUE, "task": kind, "args": sql.json(args), "run_at": run_at})
    return True

"""PostgreSQL backend, database side: procrastinate's schema and in-transaction deferral.

procrastinate's tables, types and functions live in their own `procrastinate` schema, so they stay
out of our models' namespace (and out of `public`). Every procrastinate function is pinned to that
schema with `SET search_path`, so it works whatever the caller's search path is; procrastinate's own
connections open with `search_path=procrastinate`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

SCHEMA = "procrastinate"
QUEUE = "frontline"
# procrastinate's own periodic task of ours that re-queues jobs of dead workers (not a handler of the registry)
RECOVER_TASK = "frontline.jobs.recover_stalled"

_PIN_FUNCTIONS = f"""
DO $$
DECLARE fn regprocedure;
BEGIN
    FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = '{SCHEMA}'
    LOOP
        EXECUTE 'ALTER FUNCTION ' || fn::text || ' SET search_path = {SCHEMA}, pg_catalog';
    END LOOP;
END;
$$;
"""

_DEFER = text(
    f"SELECT {SCHEMA}.procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
    f"CAST(:args AS jsonb), CAST(:run_at AS timestamptz))::{SCHEMA}.procrastinate_job_to_defer_v1])"
)
_QUEUED_TWIN = text(
    f"SELECT 1 FROM {SCHEMA}.procrastinate_jobs WHERE task_name = :task AND status = 'todo' "
    "AND args->>'dedupe_key' = :key LIMIT 1"
)


def run_procrastinate_sql(conn: Connection, sql: str) -> None:
    """Run procrastinate-shipped SQL (schema or one of its migrations) inside our schema, within the
    current transaction, then pin its functions' search path and restore the caller's."""
    driver = conn.connection.driver_connection
    assert driver is not None
    saved = conn.exec_driver_sql("SELECT current_setting('search_path')").scalar_one()
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.exec_driver_sql(f"SET LOCAL search_path TO {SCHEMA}")
    driver.execute(sql)  # no parameters: psycopg sends it as-is, several statements allowed
    driver.execute(_PIN_FUNCTIONS)
    conn.execute(text("SELECT set_config('search_path', :saved, true)"), {"saved": saved})


def install_schema(conn: Connection) -> None:
    """Create procrastinate's schema from the SQL shipped with the installed package."""
    from procrastinate.schema import SchemaManager

    run_procrastinate_sql(conn, SchemaManager.get_schema())


def drop_schema(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def defer(db: Session, kind: str, payload: dict[str, Any], run_at: datetime | None, dedupe_key: str | None) -> bool:
    """Insert a procrastinate job through the caller's connection: it exists iff the caller commits.

    Dedupe: a transaction-scoped advisory lock per (kind, key) serialises concurrent enqueuers, so the
    second one waits for the first to commit and then sees its queued twin.
    """
    args: dict[str, Any] = {"payload": payload}
    if dedupe_key is not None:
        args["dedupe_key"] = dedupe_key
        db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:lock, 0))"),
                   {"lock": f"frontline.jobs:{kind}:{dedupe_key}"})
        if db.scalar(_QUEUED_TWIN, {"task": kind, "key": dedupe_key}):
            return False
    db.execute(_DEFER, {"queue": QUEUE, "task": kind, "args": json.dumps(args), "run_at": run_at})
    return True

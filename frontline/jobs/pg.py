"""PostgreSQL backend, database side: procrastinate's schema (jobs are deferred by frontline/jobs/queue.py).

procrastinate's tables, types and functions live in their own `procrastinate` schema, so they stay
out of our models' namespace (and out of `public`). Every procrastinate function is pinned to that
schema with `SET search_path`, so it works whatever the caller's search path is; procrastinate's own
connections open with `search_path=procrastinate`.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from frontline.jobs.queue import SCHEMA

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

"""Transient or permanent: real errors from each backend, classified by the one rule (kit/dberrors.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from frontline.kit.db import Database
from frontline.kit.dberrors import is_transient


def _error(connection: Connection, sql: str, params: dict[str, object] | None = None) -> Exception:
    with pytest.raises(Exception) as caught, connection.begin_nested():
        connection.execute(text(sql), params or {})
    return caught.value


def test_invalid_data_is_permanent_and_a_race_is_not(database: Database) -> None:
    engine = create_engine(database.url)
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(text("CREATE TEMPORARY TABLE probe (id INTEGER PRIMARY KEY, v VARCHAR(5) NOT NULL)"))
            connection.execute(text("INSERT INTO probe (id, v) VALUES (1, 'a')"))
            not_null = _error(connection, "INSERT INTO probe (id, v) VALUES (2, NULL)")
            unique = _error(connection, "INSERT INTO probe (id, v) VALUES (1, 'b')")
            assert not is_transient(not_null)
            assert is_transient(unique)  # a concurrent writer won: the retry finds its row
            if database.is_sqlite:
                return
            nul = _error(connection, "INSERT INTO probe (id, v) VALUES (3, :v)", {"v": "a\x00b"})
            too_long = _error(connection, "INSERT INTO probe (id, v) VALUES (4, 'abcdefgh')")
            bad_number = _error(connection, "SELECT CAST('x' AS INTEGER)")
            assert not any(is_transient(e) for e in (nul, too_long, bad_number))
    finally:
        engine.dispose()
    assert not is_transient(RuntimeError("no database error"))


def test_locks_timeouts_and_lost_connections_are_transient(database: Database) -> None:
    engine = create_engine(database.url, connect_args={"timeout": 0} if database.is_sqlite else {})
    try:
        with engine.connect() as holder, engine.connect() as waiter:
            holder.execute(text("CREATE TABLE IF NOT EXISTS lock_probe (id INTEGER PRIMARY KEY)"))
            holder.commit()
            if database.is_sqlite:
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                holder.execute(text("LOCK TABLE lock_probe IN ACCESS EXCLUSIVE MODE"))
                waiter.execute(text("SET lock_timeout = '50ms'"))
            locked = _error(waiter, "INSERT INTO lock_probe (id) VALUES (1)")
            assert is_transient(locked), locked
            holder.rollback()
            if not database.is_sqlite:
                waiter.rollback()
                lost = _error(waiter, "SELECT pg_terminate_backend(pg_backend_pid())")
                assert is_transient(lost), lost
    finally:
        with engine.begin() as connection:  # the shared test database keeps no table of ours
            connection.execute(text("DROP TABLE IF EXISTS lock_probe"))
        engine.dispose()

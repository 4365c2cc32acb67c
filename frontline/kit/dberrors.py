"""Which database errors are worth retrying: the one rule every caller that retries uses.

Transient: the database could not do the work now, and the same statement may succeed later: the connection
was lost or refused, a lock wait or statement timed out, a serialisation failure or deadlock, the server is
shutting down or out of resources, SQLite's "database is locked". Also a unique violation (a concurrent writer
won a race) and anything unknown: retrying those is bounded by the caller's attempt count.

Permanent: the data itself cannot be stored, so every retry fails the same way: PostgreSQL's data exceptions
(class 22: text with NUL, a value too long, an invalid number or date) and integrity violations other than a
unique one (class 23: NOT NULL, foreign key, check), psycopg's own refusals of a value (DataError raised in the
client, e.g. for NUL), and SQLite's DataError, non-unique IntegrityError, "string or blob too big".
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError


def _psycopg() -> Any:
    """psycopg once something loaded it (a PostgreSQL engine does; only its connections raise its errors), so a
    SQLite desk never imports the driver."""
    return sys.modules.get("psycopg")


def database_errors() -> tuple[type[Exception], ...]:
    """What a database call raises: SQLAlchemy's wrapper, or a driver's error when used directly."""
    driver = _psycopg()
    return (DBAPIError, sqlite3.Error) if driver is None else (DBAPIError, sqlite3.Error, driver.Error)

_PERMANENT_CLASSES = ("22", "23")
_UNIQUE_VIOLATION = "23505"
_SQLITE_PERMANENT = ("string or blob too big", "malformed json")


def is_transient(error: BaseException) -> bool:
    """True when `error` is a database error that may go away by itself (retry), False when retrying the same
    data cannot succeed (or when it is no database error at all)."""
    psycopg = _psycopg()
    drivers: tuple[type[Exception], ...] = (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error.orig, drivers):  # another driver, or raised by hand
            return not isinstance(error, DataError | IntegrityError)
        error = error.orig
    if psycopg is not None and isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:  # refused in the client: a value it cannot send is data, anything else the connection
            return not isinstance(error, psycopg.DataError)
        return state == _UNIQUE_VIOLATION or not state.startswith(_PERMANENT_CLASSES)
    if isinstance(error, sqlite3.Error):
        text = str(error).lower()
        if isinstance(error, sqlite3.DataError) or any(marker in text for marker in _SQLITE_PERMANENT):
            return False
        if isinstance(error, sqlite3.IntegrityError):
            return "unique constraint" in text
        return True
    return False

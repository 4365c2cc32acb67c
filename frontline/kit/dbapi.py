"""Plain SQL straight through a DB-API cursor, on both databases, without SQLAlchemy.

The hot paths speak to their session's connection through `kit/rawsql.Raw`, a `Sql` on that connection's
cursor. A command that must start in a fraction of a second (`frontline mail-gate`, run by an MTA once per
message) opens its own connection here (`Connection`) and runs the very same functions on it: importing
SQLAlchemy alone costs more than that command's whole budget. Write the SQL once with `:name` parameters; `Sql`
adapts it to the driver and binds values the way the ORM stores them, so every path reads the others' rows.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import orjson

DEFAULT_DATABASE_URL = "sqlite:///var/frontline.db"
DATABASE_URL_VARIABLE = "FRONTLINE_DATABASE_URL"
WRITE_WAIT_SECONDS = 5.0  # longest wait for the turn to write before a WriterBusy (503); also SQLite's busy_timeout
CONNECT_TIMEOUT_SECONDS = 10

_NAME = re.compile(r"(?<!:):([a-zA-Z_]\w*)")


@lru_cache(maxsize=256)
def for_postgres(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (a literal `::type` cast is left alone)."""
    return _NAME.sub(r"%(\1)s", sql)


class Sql:
    """A DB-API cursor spoken to in plain SQL with `:name` parameters."""

    def __init__(self, cursor: Any, *, postgres: bool) -> None:
        self.cursor = cursor
        self.postgres = postgres

    def _sql(self, sql: str, params: Any = None, many: bool = False) -> str:
        return for_postgres(sql) if self.postgres else sql

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.cursor.execute(self._sql(sql, params), params or {})

    def one(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        self.cursor.execute(self._sql(sql, params), params or {})
        row = self.cursor.fetchone()
        return tuple(row) if row is not None else None

    def value(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        row = self.one(sql, params)
        if row is None:
            raise LookupError("query returned no row")
        return row[0]

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self.cursor.execute(self._sql(sql, params), params or {})
        return [tuple(r) for r in self.cursor.fetchall()]

    def many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.cursor.executemany(self._sql(sql, rows, many=True), rows)

    def time(self, value: datetime | None) -> Any:
        """Bind a datetime exactly as UTCDateTime stores it (naive UTC text on SQLite)."""
        if value is None or self.postgres:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def read_time(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def json(self, value: Any) -> Any:
        return orjson.dumps(value).decode()

    def json_cast(self) -> str:
        """SQL suffix that turns a bound JSON text into the column's type."""
        return "::jsonb" if self.postgres else ""

    def read_json(self, value: Any) -> Any:
        return orjson.loads(value) if isinstance(value, str | bytes) else value


def sqlite_setup(dbapi_conn: Any, *, writer: bool) -> None:
    """How every SQLite connection of the desk is set up (the engines' and mail-gate's own)."""
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={int(WRITE_WAIT_SECONDS * 1000)}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA cache_size=-65536")
    if writer:  # savepoint journals (one per unit of a group commit) in memory, not in a temp file
        cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def database_url(environ: dict[str, str] | None = None) -> str:
    """FRONTLINE_DATABASE_URL as Settings reads it (the name in any case), else the default."""
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if name.upper() == DATABASE_URL_VARIABLE:
            return value
    return DEFAULT_DATABASE_URL


def sqlite_path(url: str) -> str | None:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URL (None for anything else)."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0] != "sqlite" or not rest.startswith("/"):
        return None
    return unquote(rest[1:].split("?", 1)[0]) or None


class Connection:
    """One DB-API connection opened from the desk's database URL, for a command that runs a few statements.

    `transaction()` gives a `Sql` inside BEGIN (IMMEDIATE on SQLite: the writer is taken up front) and commits
    when the block ends, or rolls back on an error. SQLite opens an existing file only: a wrong path is an
    error, never a new empty database.
    """

    def __init__(self, url: str, *, driver: str | None = None) -> None:
        self.postgres = url.split("://", 1)[0].split("+")[0] in {"postgresql", "postgres"}
        if self.postgres:
            self._conn: Any = _postgres_connect(_libpq_url(url), driver)
        else:
            path = sqlite_path(url)
            if path is None or path == ":memory:":
                raise ValueError(f"not a SQLite file URL: {url.split('://')[0]}://...")
            self._conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=WRITE_WAIT_SECONDS)
            sqlite_setup(self._conn, writer=True)

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def __enter__(self) -> Sql:
        cursor = self.connection._conn.cursor()
        cursor.execute("BEGIN" if self.connection.postgres else "BEGIN IMMEDIATE")
        self.sql = Sql(cursor, postgres=self.connection.postgres)
        return self.sql

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.sql.cursor.execute("ROLLBACK" if kind is not None else "COMMIT")
        self.sql.cursor.close()


def _postgres_connect(dsn: str, driver: str | None = None) -> Any:
    """An autocommit libpq connection (we issue BEGIN ourselves) through the lightest driver installed.

    psycopg2 first: importing it takes about 0.04 s here against about 0.2 s for psycopg (3), which loads asyncio,
    logging and its type system, and the import is most of a mail-gate delivery on PostgreSQL. Both speak libpq
    with `%(name)s` parameters and bind bytes, text, aware datetimes and JSON text alike for the few statements run
    here, so the same functions run on either (tests/channels/email/test_mailgate.py runs them through each).
    `driver="psycopg"` asks for psycopg (3) by name.
    """
    if driver != "psycopg":
        try:
            import psycopg2  # the lean path, imported only on PostgreSQL
        except ImportError:  # psycopg2-binary is a dependency; without it the gate still works, only slower
            driver = "psycopg"
    if driver != "psycopg":
        conn = psycopg2.connect(dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        conn.autocommit = True
        return conn
    import psycopg  # only on PostgreSQL

    return psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True)


def _libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (`postgresql+psycopg://...`) as libpq reads it (`postgresql://...`)."""
    return "postgresql://" + url.split("://", 1)[1]

"""Hand-written SQL for hot paths (ticket create, token check), run on both databases.

Building statements through the ORM costs milliseconds per request on this hardware (see
shared/guide/performance.md); plain SQL text through `exec_driver_sql` costs a tenth of that. Write the
SQL once with `:name` parameters; this module adapts it to the driver and binds values the way the
ORM stores them, so both paths read each other's rows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Connection
from sqlalchemy.orm import Session

_NAME = re.compile(r"(?<!:):([a-zA-Z_]\w*)")


@lru_cache(maxsize=256)
def _for_postgres(sql: str) -> str:
    return _NAME.sub(r"%(\1)s", sql)


class Raw:
    """A session's connection, spoken to in plain SQL straight through the DB-API cursor."""

    def __init__(self, db: Session) -> None:
        conn: Connection = db.connection()
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def _sql(self, sql: str, params: Any = None, many: bool = False) -> str:
        statement = _for_postgres(sql) if self.postgres else sql
        events = self.conn.dispatch.before_cursor_execute
        if events:  # listeners on the engine (statement counters in tests) see these statements too
            events(self.conn, self.cursor, statement, params, None, many)
        return statement

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
        text = orjson.dumps(value).decode()
        return text

    def json_cast(self) -> str:
        """SQL suffix that turns a bound JSON text into the column's type."""
        return "::jsonb" if self.postgres else ""

    def read_json(self, value: Any) -> Any:
        return orjson.loads(value) if isinstance(value, str | bytes) else value

"""Hand-written SQL for hot paths (ticket create, token check), run on both databases.

Building statements through the ORM costs milliseconds per request on this hardware (see
shared/guide/performance.md); plain SQL text through the DB-API cursor costs a tenth of that. `Raw` is a
`kit/dbapi.Sql` on a session's own connection: the SQL is written once with `:name` parameters, adapted to the
driver, and bound the way the ORM stores values, so both paths read each other's rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from frontline.kit.dbapi import Sql


class Raw(Sql):
    """A session's connection, spoken to in plain SQL straight through the DB-API cursor."""

    def __init__(self, db: Session) -> None:
        conn: Connection = db.connection()
        self.conn = conn
        super().__init__(conn.connection.dbapi_connection.cursor(),  # type: ignore[union-attr]
                         postgres=conn.dialect.name == "postgresql")

    def _sql(self, sql: str, params: Any = None, many: bool = False) -> str:
        statement = super()._sql(sql, params, many)
        events = self.conn.dispatch.before_cursor_execute
        if events:  # listeners on the engine (statement counters in tests) see these statements too
            events(self.conn, self.cursor, statement, params, None, many)
        return statement

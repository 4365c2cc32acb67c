"""Counting the SQL statements a piece of work sends to the database, for query-count assertions.

    with counted(database) as statements:
        client.post(...)
    assert len(statements) <= 9, statements.listing()

Every statement executed on the database's engines is counted: the ORM's and Core's (SQLAlchemy's
`before_cursor_execute` event) and the plain-SQL hot paths (`kit.rawsql.Raw` fires the same event).
Transaction control (BEGIN, COMMIT, SAVEPOINT, sent straight to the driver) and the per-connection
PRAGMAs of SQLite are not statements of the work and are not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from frontline.kit.db import Database


class Statements(list[str]):
    """The statements seen, in order (in the driver's parameter style), and their parameters in `params`."""

    def __init__(self) -> None:
        super().__init__()
        self.params: list[Any] = []

    def listing(self) -> str:
        return "\n".join(f"{n:>3}. {' '.join(sql.split())[:160]}" for n, sql in enumerate(self, 1))

    def matching(self, word: str) -> list[str]:
        return [s for s in self if word.lower() in s.lower()]


@contextmanager
def counted(database: Database) -> Iterator[Statements]:
    seen = Statements()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append(statement)
        seen.params.append(parameters)

    engines: list[Engine] = list({id(e): e for e in (database.reader, database.writer)}.values())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)

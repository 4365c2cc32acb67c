"""Database engines, the declarative base and the one-transaction-per-unit-of-work boundary.

SQLite allows one writer at a time. Instead of letting threads fight for the lock in SQLite's busy
handler (p99 near a second, see shared/guide/performance.md), each process keeps ONE writer connection
(`BEGIN IMMEDIATE`, pool of one) and gives out turns to use it (`kit/writer.py`, `Database.turns`): units of
work from async code run several to a transaction (group commit), sessions hold the turn for their
transaction. Nothing waits for a turn on the event loop. Readers use their own pool and never block. On
PostgreSQL both roles share one ordinary pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from frontline.kit.dbapi import WRITE_WAIT_SECONDS, sqlite_setup
from frontline.kit.writelock import WriterLock
from frontline.kit.writer import Writer

T = TypeVar("T")


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_engine(url: str, *, writer: bool, pool_size: int) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": WRITE_WAIT_SECONDS},
        # Readers never wait for a connection: a reader that waits in a worker thread would hold that thread
        # while the sessions it waits for may need one to finish. WAL readers are cheap and never block.
        pool_size=1 if writer else pool_size,
        max_overflow=0 if writer else 200,
        pool_timeout=60,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        sqlite_setup(dbapi_conn, writer=writer)

    # Transaction control straight through the DB-API connection: the dialect would compile a new statement
    # for each savepoint (the writer gives every unit of work one), which costs more than the unit's insert.
    # The savepoint names are SQLAlchemy's own.
    def _raw(c: Any, sql: str) -> None:
        c.connection.dbapi_connection.execute(sql)

    dialect: Any = engine.dialect
    dialect.do_savepoint = lambda c, name: _raw(c, f"SAVEPOINT {name}")
    dialect.do_rollback_to_savepoint = lambda c, name: _raw(c, f"ROLLBACK TO SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda c, name: _raw(c, f"RELEASE SAVEPOINT {name}")

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        _raw(conn, begin)

    return engine


class Database:
    """The engines of one process and the unit-of-work boundary around them."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.turns: Writer | None = None
        if self.is_sqlite:
            self.reader = _sqlite_engine(url, writer=False, pool_size=pool_size)
            self.writer = _sqlite_engine(url, writer=True, pool_size=1)
            path = url.split("///", 1)[1] if "///" in url else ""
            lock = WriterLock(path) if path and path != ":memory:" else None
            self.turns = Writer(self.writer, lock, timeout=WRITE_WAIT_SECONDS)
        else:
            self.reader = self.writer = create_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self._read = sessionmaker(self.reader, expire_on_commit=False)
        self._write = sessionmaker(self.writer, expire_on_commit=False)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: commit when the block succeeds, roll back when it raises.

        Services only flush; this boundary commits, then runs the session's after-commit hooks
        (e.g. waking the in-process job runner) so nothing is sent for a change that rolled back.
        A write session on SQLite first waits (in this thread) for the turn to write, unless this task
        already holds it (`turn`); it raises WriterBusy when the turn does not come in time.
        """
        factory = self._write if write else self._read
        with self._writer_turn() if write else nullcontext(), factory() as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
        for hook in db.info.pop("after_commit", []):
            hook()

    def _writer_turn(self) -> AbstractContextManager[None]:
        return self.turns.lease_sync() if self.turns is not None else nullcontext()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold the turn to write for the rest of the block, waiting for it without blocking the event loop.

        Write sessions opened inside (in this task, or in threads it starts) use it instead of waiting
        again. How request dependencies open a write session; a no-op on PostgreSQL.
        """
        if self.turns is None:
            yield
            return
        async with self.turns.lease():
            yield

    async def call(self, fn: Callable[[Session], T], *, write: bool = True) -> T:
        """Run `fn` in one transaction from async code.

        A SQLite write runs on this event loop, no thread hop: it joins the units submitted in the same
        pass of the loop, which share one transaction (each in its own savepoint), as soon as the turn to
        write is free; until then the loop only awaits it. Everything else runs in a worker thread (a
        PostgreSQL statement waits on the network).
        """
        if write and self.turns is not None:
            return await self.turns.run(fn)

        def unit() -> T:
            with self.session(write=write) as db:
                return fn(db)

        return await anyio.to_thread.run_sync(unit)

    def dispose(self) -> None:
        if self.turns is not None:
            self.turns.close()
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def after_commit(db: Session, hook: Callable[[], None]) -> None:
    """Run `hook` once the current transaction has committed (never if it rolls back)."""
    db.info.setdefault("after_commit", []).append(hook)


_databases: dict[str, Database] = {}


def get_database(url: str, *, pool_size: int = 10) -> Database:
    """The process-wide Database for a URL (engines are expensive; share them)."""
    if url not in _databases:
        _databases[url] = Database(url, pool_size=pool_size)
    return _databases[url]

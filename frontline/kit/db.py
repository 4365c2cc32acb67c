"""Database engines, the declarative base and the one-transaction-per-unit-of-work boundary.

SQLite allows one writer at a time. Instead of letting threads fight for the lock in SQLite's busy
handler (p99 near a second, see shared/guide/performance.md), each process keeps ONE writer connection
(`BEGIN IMMEDIATE`, pool of one): writers queue on the pool in order, readers use their own pool and
never block. On PostgreSQL both roles share one ordinary pool.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

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
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=1 if writer else pool_size,
        max_overflow=0 if writer else pool_size,
        pool_timeout=60,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


class WriterLock:
    """Whose turn it is to write to a SQLite file, across threads and processes.

    SQLite's own busy handler makes a waiting writer sleep and retry (1, 2, 5 … 100 ms), which is what
    turns contention between server processes into second-long tails. A kernel file lock wakes the next
    writer the moment the previous one commits.
    """

    def __init__(self, database_path: str) -> None:
        self.path = database_path + ".writelock"
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = os.getpid()

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._threads:
            if self._fd is None or self._pid != os.getpid():  # first use, or a forked child
                self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


class Database:
    """The engines of one process and the unit-of-work boundary around them."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.reader = _sqlite_engine(url, writer=False, pool_size=pool_size)
            self.writer = _sqlite_engine(url, writer=True, pool_size=1)
        else:
            self.reader = self.writer = create_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        self._read = sessionmaker(self.reader, expire_on_commit=False)
        self._write = sessionmaker(self.writer, expire_on_commit=False)
        path = url.split("///", 1)[1] if self.is_sqlite and "///" in url else ""
        self._file_lock = WriterLock(path) if path and path != ":memory:" else None

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: commit when the block succeeds, roll back when it raises.

        Services only flush; this boundary commits, then runs the session's after-commit hooks
        (e.g. waking the in-process job runner) so nothing is sent for a change that rolled back.
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
        return self._file_lock.hold() if self._file_lock is not None else nullcontext()

    async def call(self, fn: Callable[[Session], T], *, write: bool = True) -> T:
        """Run `fn` in one transaction from async code.

        On SQLite the work runs inline on the event loop: it is sub-millisecond and serialised by the
        single writer anyway, and a thread hop costs more than the work. On PostgreSQL, where a
        statement waits on the network, it runs in a worker thread so the loop stays free.
        """

        def unit() -> T:
            with self.session(write=write) as db:
                return fn(db)

        if self.is_sqlite:
            return unit()
        return await anyio.to_thread.run_sync(unit)

    def dispose(self) -> None:
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

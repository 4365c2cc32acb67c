"""Units of work run to the end under the turn to write (kit/writer.py): group commit, each unit undone alone.

The units of one batch share one transaction, each in its own SAVEPOINT: one that raises is rolled back alone and
the others commit. No unit's caller sees a result before the transaction committed; the after-commit hooks the
units left (`db.info["after_commit"]`) run once it has.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

log = logging.getLogger("frontline.db")

Hooks = list[Callable[[], None]]


@dataclass(eq=False)
class Turn:
    """A place in the queue: a unit of work (`fn`), or a lease (`fn` is None; `released` says it is over)."""

    fn: Callable[[Session], Any] | None
    loop: asyncio.AbstractEventLoop | None = None  # where a unit runs
    future: concurrent.futures.Future[Any] = field(default_factory=concurrent.futures.Future)
    released: threading.Event = field(default_factory=threading.Event)
    active: bool = False  # a lease being held


def run_batch(engine: Engine, batch: list[Turn]) -> Hooks:
    """Run the units of `batch` to the end (again, when their transaction broke); the after-commit hooks."""
    hooks: Hooks = []
    pending = batch
    while pending:
        pending = _transaction(engine, pending, hooks)
    return hooks

def _transaction(engine: Engine, batch: list[Turn], hooks: Hooks) -> list[Turn]:
    """Run `batch` in one transaction and settle every future; returns the units to run again if the
    transaction itself broke (their work was rolled back with it, through no fault of theirs)."""
    done: list[tuple[Turn, Any, Hooks]] = []
    try:
        with engine.connect() as conn:
            transaction = conn.begin()  # BEGIN IMMEDIATE (the engine's begin event)
            for index, turn in enumerate(batch):
                if not _unit(conn, turn, done, isolated=len(batch) > 1):
                    if transaction.is_active:
                        transaction.rollback()
                    return [t for t, _r, _h in done] + batch[index + 1:]
            transaction.commit()
    except Exception as error:  # BEGIN or COMMIT failed: nothing of the batch was kept
        log.warning("a transaction of %s unit(s) failed", len(batch), exc_info=True)
        for turn in batch:
            if not turn.future.done():
                turn.future.set_exception(error)
        return []
    for turn, result, unit_hooks in done:
        turn.future.set_result(result)
        hooks.extend(unit_hooks)
    return []

def _unit(conn: Connection, turn: Turn, done: list[tuple[Turn, Any, Hooks]], *, isolated: bool) -> bool:
    """One unit, inside its own SAVEPOINT when it shares the transaction (`isolated`); False when its
    failure took the transaction with it (always so for a unit alone: nothing else is lost).

    The session joins in "rollback_only" mode: a failed flush rolls back to the unit's savepoint (or the
    unit's own transaction), never another unit's work, and the session never commits anything itself.
    """
    assert turn.fn is not None
    savepoint = conn.begin_nested() if isolated else None
    db = Session(bind=conn, expire_on_commit=False, join_transaction_mode="rollback_only")
    try:
        result = turn.fn(db)
        db.flush()
        if savepoint is not None:
            savepoint.commit()  # RELEASE; the transaction commits after the last unit
    except BaseException as error:
        turn.future.set_exception(error)
        if savepoint is None:
            return False
        try:
            if savepoint.is_active:
                savepoint.rollback()
        except Exception:
            log.warning("rolling back a unit of work failed", exc_info=True)
        return bool(conn.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]
    finally:
        unit_hooks = db.info.pop("after_commit", [])
        db.close()
    done.append((turn, result, unit_hooks))
    return True


def run_hooks(hooks: Hooks) -> None:
    """Run after-commit hooks; one that fails is logged and never stops the others."""
    for hook in hooks:
        try:
            hook()
        except Exception:
            log.exception("an after-commit hook failed")

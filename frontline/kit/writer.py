"""Whose turn it is to write to a SQLite database, in this process and across the processes sharing it.

SQLite has one writer at a time; each process keeps one writer connection. Its turn belongs to one holder
at a time, in this process (`Writer`) and across processes (`WriterLock`, a kernel file lock: the next
writer wakes the moment the previous one is done, instead of sleeping in SQLite's busy handler). Two kinds
of work take the turn:

- units of work (`run`): functions of a Session, submitted from an event loop. They run ON THAT LOOP, in
  batches: the units submitted during one pass of the loop (requests that arrived together) share one
  transaction (group commit), each in its own SAVEPOINT, so one that raises is undone alone. No caller sees
  a result before its batch committed. A batch runs at once when the turn is free; otherwise the writer
  thread waits for the turn and then hands the batch back to its loop.
- leases (`lease` on a loop, `lease_sync` in a thread): a request's session or a job holds the turn for a
  while. Taken at once when free, else granted by the writer thread when the lessee's place comes.

The event loop never waits for the turn: it only takes one that is free at that instant (a non-blocking
check, `LOCK_NB` on the file); otherwise it awaits a future while the writer thread does the waiting. So
the holder can always get what it needs from the loop (its next dependency, its response, its commit in a
worker thread). The writer thread runs no unit itself: Python code there would fight the loop for the GIL
while it holds the file lock. Every wait is bounded: a full queue, or a turn that does not come within
`timeout` seconds, raises `WriterBusy` (a 503 with Retry-After), never a hang. The lock is kit/writelock.py; the
units' transaction (group commit, savepoints, after-commit hooks) is kit/groupcommit.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from frontline.kit.errors import ServiceBusy
from frontline.kit.groupcommit import Turn, run_batch, run_hooks
from frontline.kit.writelock import WriterLock

log = logging.getLogger("frontline.db")
T = TypeVar("T")

MAX_QUEUE = 1024  # waiting units and leases per process; beyond that, WriterBusy at once
MAX_BATCH = 64  # units per group-committed transaction



class WriterBusy(ServiceBusy):
    """No turn to write came in time (or too many writes are waiting): retry shortly."""


_HELD: ContextVar[tuple[Writer, Turn] | None] = ContextVar("frontline_writer_turn", default=None)


class Writer:
    def __init__(self, engine: Engine, file_lock: WriterLock | None, *, timeout: float,
                 max_queue: int = MAX_QUEUE, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.timeout = timeout
        self.max_queue = max_queue
        self.max_batch = max_batch
        self._file_lock = file_lock
        self._queue: deque[Turn] = deque()
        self._cond = threading.Condition()
        self._owner: object | None = None  # who holds this process's turn (and the file lock)
        self._open: dict[asyncio.AbstractEventLoop, list[Turn]] = {}  # units waiting for their loop's pass
        self._loops: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()  # loops that ask async
        self._thread: threading.Thread | None = None
        self._pid = 0

    # -- asking for the turn -----------------------------------------------------------------------------

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in a write transaction; its result once that transaction committed (or its exception).

        The unit joins this loop's open batch: every unit submitted before the loop gets round to it
        (requests that arrived together) runs in one transaction at the end of the loop's current pass.
        """
        loop = asyncio.get_running_loop()
        turn = Turn(fn, loop)
        with self._cond:
            if loop not in self._loops:
                self._loops.add(loop)
            batch = self._open.get(loop)
            if batch is None or len(batch) >= self.max_batch:
                batch = self._open[loop] = []
                loop.call_soon(self._run_open, loop, batch)
            batch.append(turn)
        return await self._wait(turn)

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[None]:
        """The turn is this task's (and that of the threads it starts) until the block ends."""
        if self.holds_turn():
            yield
            return
        loop = asyncio.get_running_loop()
        if loop not in self._loops:
            self._loops.add(loop)
        turn = Turn(None, loop)
        if self._take_now(turn):
            try:
                with self._holding(turn):
                    yield
            finally:
                self._give_back()
            return
        self._enqueue(turn)
        await self._wait(turn)
        with self._holding(turn):  # the writer thread gives the turn back once `released` is set
            yield

    @contextmanager
    def lease_sync(self) -> Iterator[None]:
        """`lease` for a thread: blocks this thread until the turn comes. Never on an event loop."""
        if self.holds_turn():
            yield
            return
        if threading.current_thread() is self._thread:
            raise RuntimeError("the writer thread cannot wait for its own turn")
        if self._serves_running_loop():
            raise RuntimeError("a write session cannot wait on the event loop: use Database.call or turn")
        turn = self._enqueue(Turn(None))
        try:
            try:
                turn.future.result(timeout=self.timeout)
            except concurrent.futures.TimeoutError:
                if turn.future.cancel():
                    raise self._busy() from None
                turn.future.result()
        except BaseException:
            self._abandon(turn)
            raise
        with self._holding(turn):
            yield

    def _serves_running_loop(self) -> bool:
        """Whether this thread runs an event loop that asks for turns: waiting here would stall the holder."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        return loop in self._loops

    def holds_turn(self) -> bool:
        held = _HELD.get()
        return held is not None and held[0] is self and held[1].active

    def close(self, timeout: float = 5.0) -> None:
        """Stop the writer thread once the queue is empty (the next queued turn starts a new one)."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run_open(self, loop: asyncio.AbstractEventLoop, batch: list[Turn]) -> None:
        """On the loop: run its open batch at once if the turn is free, else hand it to the writer thread."""
        with self._cond:
            if self._open.get(loop) is batch:
                del self._open[loop]
        if not self._take_now(batch[0]):
            for turn in batch:
                try:
                    self._enqueue(turn)
                except WriterBusy as busy:
                    if turn.future.set_running_or_notify_cancel():
                        turn.future.set_exception(busy)
            return
        try:
            hooks = run_batch(self.engine, [turn for turn in batch if turn.future.set_running_or_notify_cancel()])
        finally:
            self._give_back()
        run_hooks(hooks)

    def _take_now(self, owner: Turn) -> bool:
        """Take the turn if it is free this instant: nobody holds or waits for it here, no process writes."""
        with self._cond:
            if self._owner is not None or self._queue or self._pid not in (0, os.getpid()):
                return False
            if self._file_lock is not None and not self._file_lock.try_acquire():
                return False
            self._owner = owner
            return True

    def _give_back(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
        with self._cond:
            self._owner = None
            if self._queue:
                self._cond.notify_all()

    def _enqueue(self, turn: Turn) -> Turn:
        with self._cond:
            if len(self._queue) >= self.max_queue:
                raise self._busy()
            if self._pid != os.getpid():  # first use, or a forked child: nothing of the parent's is ours
                self._pid, self._owner, self._thread = os.getpid(), None, None
                self._queue.clear()
                self._open.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="frontline-writer", daemon=True)
                self._thread.start()
            self._queue.append(turn)
            self._cond.notify_all()
        return turn

    async def _wait(self, turn: Turn) -> Any:
        waiting = asyncio.wrap_future(turn.future)
        try:
            try:
                return await asyncio.wait_for(asyncio.shield(waiting), self.timeout)
            except TimeoutError:
                if turn.future.cancel():
                    raise self._busy() from None
                return await asyncio.shield(waiting)  # it had started: a unit is about to finish, a lease comes
        except asyncio.CancelledError:
            self._abandon(turn)
            raise

    @staticmethod
    def _abandon(turn: Turn) -> None:
        """The asker left: take its turn out of the queue, or give a lease back as soon as it is granted."""
        if not turn.future.cancel() and turn.fn is None:
            turn.future.add_done_callback(lambda _f: turn.released.set())

    @contextmanager
    def _holding(self, turn: Turn) -> Iterator[None]:
        turn.active = True
        token = _HELD.set((self, turn))
        try:
            yield
        finally:
            turn.active = False
            with suppress(ValueError):  # left in another context than it was entered in; `active` says it
                _HELD.reset(token)
            turn.released.set()

    def _busy(self) -> WriterBusy:
        return WriterBusy("The desk is busy writing. Retry in a moment.", retry_after=1)

    # -- the writer thread: serves the queue whenever the turn is free -----------------------------------

    def _serve(self) -> None:
        me = threading.current_thread()
        while True:
            batch = self._next(me)
            if batch is None:
                return
            handed_over = False
            try:
                if self._file_lock is not None:
                    self._file_lock.acquire()  # the wait for other processes happens here, off every loop
                try:
                    handed_over = self._serve_turn(batch)
                finally:
                    if not handed_over and self._file_lock is not None:
                        self._file_lock.release()
            except BaseException as error:  # never leave an asker waiting for a turn that will not come
                log.exception("the writer thread failed serving a turn")
                for turn in batch:
                    if not turn.future.done():
                        turn.future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
            finally:
                if not handed_over:
                    with self._cond:
                        self._owner = None

    def _serve_turn(self, batch: list[Turn]) -> bool:
        """Grant a lease and wait for it to end, or hand a batch to its loop (True: the loop gives back)."""
        if batch[0].fn is None:
            self._grant(batch[0])
            return False
        loop = batch[0].loop
        assert loop is not None
        try:
            loop.call_soon_threadsafe(self._run_granted, batch)
        except RuntimeError:  # the loop has closed (shutting down): nobody is left to wait for these
            for turn in batch:
                turn.future.set_exception(self._busy())
            return False
        return True

    def _run_granted(self, batch: list[Turn]) -> None:
        """On the loop: the writer thread took the turn for this batch."""
        try:
            hooks = run_batch(self.engine, batch)
        finally:
            self._give_back()
        run_hooks(hooks)

    def _next(self, me: threading.Thread) -> list[Turn] | None:
        """Wait until something is queued and the turn is free; take it for the next lease, or for the run
        of units at the head of the queue (at most max_batch)."""
        with self._cond:
            while True:
                while not self._queue or self._owner is not None:
                    if self._thread is not me and not self._queue:
                        return None
                    self._cond.wait()
                first = self._queue.popleft()
                if not first.future.set_running_or_notify_cancel():
                    continue
                batch = [first]
                while first.fn is not None and self._queue and self._queue[0].fn is not None \
                        and self._queue[0].loop is first.loop and len(batch) < self.max_batch:
                    turn = self._queue.popleft()
                    if turn.future.set_running_or_notify_cancel():
                        batch.append(turn)
                self._owner = me
                return batch

    def _grant(self, turn: Turn) -> None:
        turn.future.set_result(None)
        while not turn.released.wait(30):
            log.warning("a write session has held the turn to write for more than 30 s")

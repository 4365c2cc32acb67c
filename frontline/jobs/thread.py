"""The in-process runner for the embedded backend: one daemon thread per web process.

It sleeps on an event: `enqueue` sets it right after the enqueuing transaction commits, so a job
starts within milliseconds; otherwise it wakes every `poll_seconds` for scheduled jobs, retries,
periodic ticks and jobs left behind by a dead process.
"""

from __future__ import annotations

import logging
import threading
import weakref
from datetime import timedelta

from frontline.jobs.local import DEFAULT_LEASE, run_due
from frontline.kit.db import Database

log = logging.getLogger("frontline.jobs")

_RUNNERS: weakref.WeakSet[LocalRunner] = weakref.WeakSet()


def wake_runners() -> None:
    """Tell every runner of this process that a job was just committed."""
    for runner in list(_RUNNERS):
        runner.wake()


def runners_of(database: Database) -> list[LocalRunner]:
    return [runner for runner in list(_RUNNERS) if runner.database is database]


class LocalRunner:
    def __init__(self, database: Database, *, poll_seconds: float = 1.0, lease: timedelta = DEFAULT_LEASE) -> None:
        self.database = database
        self.poll_seconds = poll_seconds
        self.lease = lease
        # Held while a batch runs; `run_pending` takes it so tests never race the thread.
        self.busy = threading.Lock()
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="frontline-jobs", daemon=True)
        self._thread.start()
        _RUNNERS.add(self)

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand, then stop (a job cut off here would simply be re-run later)."""
        _RUNNERS.discard(self)
        self._stopping.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wakeup.clear()
            try:
                with self.busy:
                    run_due(self.database, lease=self.lease, keep_going=lambda: not self._stopping.is_set())
            except Exception:
                log.exception("job runner pass failed; retrying after the poll interval")
            self._wakeup.wait(self.poll_seconds)

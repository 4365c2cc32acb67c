"""A procrastinate worker inside the web process (PostgreSQL with `jobs_in_process`), and the
foreground worker of `frontline worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from frontline.jobs.pg_worker import build_app, worker_options
from frontline.kit.db import Database

log = logging.getLogger("frontline.jobs")


class ProcrastinateThread:
    """Runs a procrastinate worker on its own event loop in a daemon thread; `stop()` is graceful:
    procrastinate stops fetching and waits for jobs in hand before unregistering the worker."""

    def __init__(self, database: Database, *, concurrency: int = 4) -> None:
        self.database = database
        self.concurrency = concurrency
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._stop_requested = threading.Event()
        self._thread = threading.Thread(target=self._main, name="frontline-jobs-pg", daemon=True)

    def start(self) -> None:
        """Returns at once: the web process need not wait for the worker's connections."""
        self._thread.start()

    def stop(self, timeout: float = 45.0) -> None:
        self._stop_requested.set()  # seen by _serve if it has not created the task yet
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except Exception:
            log.exception("in-process procrastinate worker stopped with an error")

    async def _serve(self) -> None:
        app = build_app(self.database, pool_size=self.concurrency + 2)
        async with app.open_async():
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.create_task(
                app.run_worker_async(**worker_options(self.concurrency, in_thread=True))
            )
            if self._stop_requested.is_set():
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def run_worker_forever(database: Database, *, concurrency: int) -> None:
    """The `frontline worker` loop on PostgreSQL; SIGINT/SIGTERM stop it gracefully."""

    async def serve() -> None:
        app = build_app(database, pool_size=concurrency + 2)
        async with app.open_async():
            await app.run_worker_async(**worker_options(concurrency, in_thread=False))

    asyncio.run(serve())

"""`frontline worker`: run background jobs in a process of their own (any number, any machine on PG)."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING

import typer

from frontline.kit.settings import get_settings

if TYPE_CHECKING:
    from frontline.kit.db import Database


def worker(
    concurrency: int = typer.Option(None, help="Jobs run at once (default FRONTLINE_WORKER_CONCURRENCY)."),
    imports: list[str] = typer.Option([], "--import", help="Extra module registering job handlers; repeatable."),
) -> None:
    """Run background jobs until SIGTERM/SIGINT (then finish the jobs in hand and exit).

    On PostgreSQL this is a procrastinate worker: start as many as you like, on several machines.
    On SQLite it is the embedded runner, for a desk that sets FRONTLINE_JOBS_IN_PROCESS=false.
    """
    from frontline.cli.desk import open_desk
    from frontline.jobs.runtime import check_handlers
    from frontline.kit.logging import configure

    _exit_on_stop_signal()  # until procrastinate or our runner installs its own handlers
    settings = get_settings()
    configure(settings.log_level, json=settings.log_json)
    settings = settings.model_copy(update={"job_modules": [*settings.job_modules, *imports]})
    database = open_desk(settings)  # the same listeners and jobs as the web app (frontline/wiring.py)
    check_handlers(database)
    if not database.is_sqlite:
        from frontline.jobs.pg_thread import run_worker_forever

        run_worker_forever(database, concurrency=concurrency or settings.worker_concurrency)
        return
    _run_local(database, settings.jobs_poll_seconds, timedelta(seconds=settings.jobs_lease_seconds))


def _exit_on_stop_signal() -> None:
    """A SIGTERM that arrives while the worker is still starting (no job taken yet) exits cleanly."""

    def leave(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)


def _run_local(database: Database, poll_seconds: float, lease: timedelta) -> None:
    from frontline.jobs.thread import LocalRunner

    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runner = LocalRunner(database, poll_seconds=poll_seconds, lease=lease)
    runner.start()
    while not stop.wait(1.0):
        pass
    runner.stop()


if __name__ == "__main__":  # `python -m frontline.cli.worker`: the same command without the whole CLI
    typer.run(worker)

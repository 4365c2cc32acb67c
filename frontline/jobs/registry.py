"""Which job kinds exist and what runs them: `@handler` and `@periodic` fill one process-wide registry.

Domain code registers handlers in a `jobs.py` module of its package, at any depth (`frontline/sla/jobs.py`,
`frontline/channels/email/jobs.py`); `discover()` imports all of those (plus `settings.job_modules`) so the web
process, every `frontline worker` and every CLI command know the same kinds (see frontline/wiring.py).
`unknown_queued()` names job kinds waiting in the database that no handler here can run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs.schedule import check_interval
from frontline.kit.db import Database

JobFunction = Callable[[Session, dict[str, Any]], None]
OwnTransactionsFunction = Callable[[Database, dict[str, Any]], None]
FailureHook = Callable[[Session, dict[str, Any], str], None]


@dataclass(frozen=True)
class Handler:
    kind: str
    fn: JobFunction
    max_attempts: int = 8
    on_failure: FailureHook | None = None
    own: OwnTransactionsFunction | None = None  # set for `own_transactions` handlers: called instead of fn

    def run(self, database: Database, session: Session | None, payload: dict[str, Any]) -> None:
        """Run the job: in `session` (the runner's transaction), or with the Database for handlers that open
        their own transactions (network I/O outside any transaction: mail servers, which may hang for a minute)."""
        if self.own is not None:
            self.own(database, payload)
        else:
            assert session is not None
            self.fn(session, payload)


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta


HANDLERS: dict[str, Handler] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(
    kind: str, *, max_attempts: int = 8, on_failure: FailureHook | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register `fn(db, payload)` as the code that runs jobs of `kind`.

    `on_failure(db, payload, last_error)` runs in a fresh transaction once the last attempt failed,
    so the domain can show the failure (e.g. mark an outbound e-mail failed on its ticket).
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(fn: JobFunction) -> JobFunction:
        existing = HANDLERS.get(kind)
        if existing is not None and existing.fn is not fn:
            raise ValueError(f"job kind {kind!r} already has a handler ({existing.fn.__qualname__})")
        HANDLERS[kind] = Handler(kind, fn, max_attempts, on_failure)
        return fn

    return register


def periodic(
    kind: str, *, every: timedelta, max_attempts: int = 1, on_failure: FailureHook | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register `fn(db, payload)` to run every `every` (on a UTC grid, once across all processes).

    The payload is `{"scheduled_for": <ISO time of the tick>}`. One attempt by default: the next tick
    comes soon enough.
    """
    check_interval(every)

    def register(fn: JobFunction) -> JobFunction:
        handler(kind, max_attempts=max_attempts, on_failure=on_failure)(fn)
        PERIODIC[kind] = Periodic(kind, every)
        return fn

    return register


def own_transactions(
    kind: str, *, max_attempts: int = 8, on_failure: FailureHook | None = None, every: timedelta | None = None,
) -> Callable[[OwnTransactionsFunction], OwnTransactionsFunction]:
    """Register `fn(database, payload)` for jobs of `kind` (periodic when `every` is given) that open their own
    transactions: the runner holds none while it runs, so a handler can talk to the network between short ones.
    The job is marked done in a transaction after it returns (at-least-once: keep such handlers idempotent)."""
    if every is not None:
        check_interval(every)

    def register(fn: OwnTransactionsFunction) -> OwnTransactionsFunction:
        def in_session(db: Session, payload: dict[str, Any]) -> None:
            raise RuntimeError(f"job kind {kind!r} opens its own transactions; run it with Handler.run")

        in_session.__qualname__ = fn.__qualname__
        existing = HANDLERS.get(kind)
        if existing is not None and existing.own is not fn:
            raise ValueError(f"job kind {kind!r} already has a handler ({existing.fn.__qualname__})")
        HANDLERS[kind] = Handler(kind, in_session, max_attempts, on_failure, own=fn)
        if every is not None:
            PERIODIC[kind] = Periodic(kind, every)
        return fn

    return register


def get_handler(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no handler registered for job kind {kind!r}") from None


def job_modules() -> list[str]:
    """Every `jobs.py` of a frontline sub-package, nested ones included (not the job machinery itself)."""
    root = Path(__file__).resolve().parent.parent  # the frontline package
    found = []
    for path in sorted(root.rglob("jobs.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] != "jobs" and all((root.joinpath(*parts[:i]) / "__init__.py").is_file()
                                      for i in range(1, len(parts))):
            found.append(".".join(("frontline", *parts)))
    return found


def discover(extra_modules: Iterable[str] = ()) -> None:
    """Import every domain's `jobs` module (see job_modules) and the extra modules, registering their jobs."""
    for module in [*job_modules(), *extra_modules]:
        importlib.import_module(module)

"""Background jobs: enqueue in the caller's transaction, run with retries, on SQLite or PostgreSQL.

See docs/jobs.md. Domain code uses `enqueue`, `handler` and `periodic`; tests use `run_pending`.

The names below load on first use (PEP 562), so `frontline.jobs.queue`, which mail-gate uses on a bare DB-API
connection, can be imported without the runtime and SQLAlchemy behind it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontline.jobs.registry import discover, handler, own_transactions, periodic
    from frontline.jobs.runtime import enqueue, run_pending, start_in_process

_HOME = {"discover": "registry", "handler": "registry", "own_transactions": "registry", "periodic": "registry",
         "enqueue": "runtime", "run_pending": "runtime", "start_in_process": "runtime"}

__all__ = ["discover", "enqueue", "handler", "own_transactions", "periodic", "run_pending", "start_in_process"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'frontline.jobs' has no attribute {name!r}")
    return getattr(importlib.import_module(f"frontline.jobs.{_HOME[name]}"), name)

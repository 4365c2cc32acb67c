"""Background jobs: enqueue in the caller's transaction, run with retries, on SQLite or PostgreSQL.

See docs/jobs.md. Domain code uses `enqueue`, `handler` and `periodic`; tests use `run_pending`.
"""

from frontline.jobs.registry import discover, handler, own_transactions, periodic
from frontline.jobs.runtime import enqueue, run_pending, start_in_process

__all__ = ["discover", "enqueue", "handler", "own_transactions", "periodic", "run_pending", "start_in_process"]

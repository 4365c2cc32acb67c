"""Running a handler and its failure hook: the part both backends share."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from frontline.jobs.registry import Handler
from frontline.kit.db import Database

log = logging.getLogger("frontline.jobs")

MAX_ERROR_CHARS = 4000


def describe(exc: BaseException) -> str:
    """The error text kept on the job: the exception and the innermost frames, bounded in size."""
    text = "".join(traceback.format_exception(exc, limit=-5))
    return text[-MAX_ERROR_CHARS:]


def call_on_failure(database: Database, handler: Handler, payload: dict[str, Any], error: str) -> None:
    """Run the handler's on_failure hook in a fresh transaction; its own errors are logged, not raised,
    because the job is already finished as failed."""
    if handler.on_failure is None:
        return
    try:
        with database.session() as db:
            handler.on_failure(db, payload, error)
    except Exception:
        log.exception("on_failure hook of job kind %s raised", handler.kind)

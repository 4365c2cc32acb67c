"""Job handlers the tests use; imported by test modules and by worker subprocesses (`--import`).

They leave their traces in files named by the payload, so a run in another process is visible too.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs import enqueue, handler, own_transactions
from frontline.kit.db import Database


def _append(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@handler("test.touch", max_attempts=3)
def touch(db: Session, payload: dict[str, Any]) -> None:
    _append(payload["marker"], payload.get("note", "ran"))


@handler("test.chain")
def chain(db: Session, payload: dict[str, Any]) -> None:
    """Enqueues a follow-up in its own transaction: it must exist only because this job committed."""
    enqueue(db, "test.touch", {"marker": payload["marker"], "note": "chained"})


def record_failure(db: Session, payload: dict[str, Any], error: str) -> None:
    _append(payload["failed_marker"], error.strip().splitlines()[-1])


@handler("test.flaky", max_attempts=4, on_failure=record_failure)
def flaky(db: Session, payload: dict[str, Any]) -> None:
    _append(payload["marker"], "attempt")
    raise RuntimeError("mail server said no")


@handler("test.crash_once", max_attempts=3)
def crash_once(db: Session, payload: dict[str, Any]) -> None:
    """The first run announces itself and hangs until its process is killed; later runs finish."""
    started = Path(payload["started"])
    if not started.exists():
        started.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(600)
    _append(payload["marker"], "recovered")


@own_transactions("test.own", max_attempts=2, on_failure=record_failure)
def own(database: Database, payload: dict[str, Any]) -> None:
    """Opens its own transactions (as mail jobs do around network I/O); fails while `fail_first` is absent."""
    with database.session() as db:
        enqueue(db, "test.touch", {"marker": payload["marker"], "note": "from own transaction"})
    if payload.get("fail_first") and not Path(payload["fail_first"]).exists():
        Path(payload["fail_first"]).write_text("failed once", encoding="utf-8")
        raise RuntimeError("first attempt fails")
    _append(payload["marker"], "own")

"""The periodic SLA check (warnings before breach, breaches and their actions, once each) and `sla.apply`, which
chooses the policy again for the open tickets after an administrator applied new or changed policies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs import enqueue, handler, periodic
from frontline.sla.service import APPLY_JOB, apply_policies, check


@periodic("sla.check", every=timedelta(seconds=30))
def check_clocks(db: Session, payload: dict[str, Any]) -> None:
    check(db)


@handler(APPLY_JOB, max_attempts=3)
def apply_to_open_tickets(db: Session, payload: dict[str, Any]) -> None:
    """One batch of open tickets in this job's transaction; the next batch is queued in the same one."""
    _changed, last = apply_policies(db, int(payload.get("after", 0)))
    if last is not None:
        enqueue(db, APPLY_JOB, {"after": last})

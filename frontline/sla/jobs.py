"""The periodic SLA check: warnings before breach, breaches and their actions, once each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs import periodic
from frontline.sla.service import check


@periodic("sla.check", every=timedelta(seconds=30))
def check_clocks(db: Session, payload: dict[str, Any]) -> None:
    check(db)

"""Housekeeping of the portal login tables: codes, failed attempts and ended sessions are kept one day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs import periodic
from frontline.portal.login import purge


@periodic("portal.purge", every=timedelta(hours=1))
def purge_login_rows(db: Session, payload: dict[str, Any]) -> None:
    purge(db)

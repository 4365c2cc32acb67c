"""Rules' background jobs: the automation sweep every 5 minutes, and webhook deliveries with retries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontline.jobs import handler, periodic
from frontline.kit.settings import get_settings
from frontline.rules import webhooks
from frontline.rules.automations import run_automations


@periodic("rules.automations", every=timedelta(minutes=5))
def sweep_automations(db: Session, payload: dict[str, Any]) -> None:
    now = datetime.fromisoformat(payload["scheduled_for"]) if payload.get("scheduled_for") else None
    from frontline.kit.db import utcnow

    run_automations(db, max(now, utcnow()) if now else utcnow(), prefix=get_settings().ticket_prefix)


@handler(webhooks.JOB_KIND, max_attempts=webhooks.MAX_ATTEMPTS, on_failure=webhooks.mark_failed)
def deliver_webhook(db: Session, payload: dict[str, Any]) -> None:
    webhooks.deliver(db, int(payload["delivery_id"]))

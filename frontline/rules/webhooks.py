"""Outbound webhooks: a delivery row and its job are queued in the ticket's transaction, sent signed.

Signature: `X-Frontline-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the endpoint's
secret, the timestamp in `X-Frontline-Timestamp` (Unix seconds). Signing the timestamp lets a receiver
reject replays of an old body; `X-Frontline-Delivery` is the idempotency key (the same on every retry).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from frontline.jobs import enqueue
from frontline.kit.db import utcnow
from frontline.kit.settings import get_settings
from frontline.rules import egress
from frontline.rules.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontline.tickets.models import Priority, Ticket

JOB_KIND = "rules.webhook"
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Frontline-Signature"
TIMESTAMP_HEADER = "X-Frontline-Timestamp"
DELIVERY_HEADER = "X-Frontline-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (our tests, and the example in docs/rules.md)."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


def ticket_body(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.id, "subject": ticket.subject, "status": ticket.status,
            "priority": Priority(ticket.priority).name, "channel": ticket.channel, "team_id": ticket.team_id,
            "line": ticket.line, "assignee_id": ticket.assignee_id, "contact_id": ticket.contact_id}


def enqueue_delivery(db: Session, endpoint_id: int, event: str, ticket: Ticket, *,
                     extra: dict[str, Any] | None = None) -> WebhookDelivery | None:
    """Queue one delivery (row + job) in the caller's transaction; None for an unknown or inactive endpoint."""
    endpoint = db.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.active:
        return None
    body = {"event": event, "occurred_at": utcnow().isoformat(), "ticket": ticket_body(ticket), **(extra or {})}
    delivery = WebhookDelivery(endpoint_id=endpoint_id, event=event, ticket_id=ticket.id, body=body,
                               status="pending", attempts=0)
    db.add(delivery)
    db.flush()
    enqueue(db, JOB_KIND, {"delivery_id": delivery.id})
    return delivery


def _load(db: Session, delivery_id: int) -> tuple[str, str, bytes] | None:
    """(url, secret, body) in a short transaction of its own, so no connection is held over the network."""
    with Session(bind=db.get_bind()) as own:
        delivery = own.get(WebhookDelivery, delivery_id)
        endpoint = own.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
        own.commit()
        if delivery is None or endpoint is None or delivery.status == "delivered":
            return None
        body = orjson.dumps({"delivery_id": delivery.id, **delivery.body})
        return endpoint.url, endpoint.secret, body


def _reason(exc: Exception) -> str:
    """A short reason for the delivery log; never the receiver's words or the desk's own network details."""
    import httpx  # heavy: httpx costs ~0.1-0.3 s and several MiB; only a webhook delivery needs it

    if isinstance(exc, egress.EgressRefused):
        return f"refused: {exc}"[:300]
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    return type(exc).__name__


def post(url: str, secret: str, body: bytes, delivery_id: int) -> tuple[int | None, str | None]:
    """One signed POST to a checked address (rules/egress.py); (status code, short reason). Any 2xx is success."""
    import httpx  # heavy: httpx costs ~0.1-0.3 s and several MiB; only a webhook delivery needs it

    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: sign(secret, timestamp, body), DELIVERY_HEADER: str(delivery_id),
               "User-Agent": "Frontline-Webhooks"}
    try:
        response = egress.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS,
                               allowed=get_settings().webhook_allowed_networks)
    except (httpx.HTTPError, egress.EgressRefused) as exc:
        return None, _reason(exc)
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def _log(db: Session, delivery_id: int, status_code: int | None, started: float, error: str | None,
         at: datetime) -> int:
    delivery = db.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return 0
    delivery.attempts += 1
    db.add(WebhookAttempt(delivery_id=delivery_id, attempt=delivery.attempts, status_code=status_code,
                          duration_ms=round((time.perf_counter() - started) * 1000, 2), error=error, at=at))
    if error is None:
        delivery.status, delivery.delivered_at = "delivered", at
    return delivery.attempts


class DeliveryFailed(RuntimeError):
    """Raised so the jobs system retries the delivery with backoff."""


def deliver(db: Session, delivery_id: int) -> None:
    """The job: send, then log the attempt. A failed attempt is logged in its own transaction (the
    job's rolls back when it raises) before raising for a retry."""
    loaded = _load(db, delivery_id)
    if loaded is None:
        return
    url, secret, body = loaded
    started = time.perf_counter()
    status_code, error = post(url, secret, body, delivery_id)
    if error is None:
        _log(db, delivery_id, status_code, started, None, utcnow())
        return
    with Session(bind=db.get_bind()) as own:
        _log(own, delivery_id, status_code, started, error, utcnow())
        own.commit()
    raise DeliveryFailed(error)


def mark_failed(db: Session, payload: dict[str, Any], error: str) -> None:
    delivery = db.get(WebhookDelivery, int(payload["delivery_id"]))
    if delivery is not None and delivery.status != "delivered":
        delivery.status = "failed"

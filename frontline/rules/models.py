"""Rules, their remembered firings, webhook endpoints and the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from frontline.kit.db import Base, JSONType, UTCDateTime, utcnow


class RuleKind(StrEnum):
    trigger = "trigger"
    automation = "automation"


class Rule(Base):
    """A trigger (runs on ticket events) or an automation (runs periodically on time conditions).

    `conditions` is {"all": [...], "any": [...]}, each item {field, op, value[, calendar_id]};
    `actions` is a list of {type, ...}. Both are validated on save (frontline/rules/schemas.py).
    """

    __tablename__ = "rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default=RuleKind.trigger)
    events: Mapped[list[str]] = mapped_column(JSONType, default=list)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    position: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_rule_kind_active", "kind", "active", "position"),)


class RuleFiring(Base):
    """An automation fired on a ticket in one state; remembered so it fires once per rule per state."""

    __tablename__ = "rule_firing"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rule.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    state_key: Mapped[str] = mapped_column(String(120))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("rule_id", "ticket_id", "state_key", name="uq_rule_firing_once"),
        Index("ix_rule_firing_ticket", "ticket_id"),
    )


class WebhookEndpoint(Base):
    """Where ticket events are POSTed, signed with the endpoint's secret (HMAC-SHA256)."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    events: Mapped[list[str]] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event to deliver to one endpoint; its attempts are in webhook_attempt."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),)


class WebhookAttempt(Base):
    """The delivery log: one row per HTTP attempt, written even when the attempt failed."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_webhook_attempt_delivery", "delivery_id", "attempt"),)


@event.listens_for(Rule, "before_update")
@event.listens_for(WebhookEndpoint, "before_update")
def _touch(mapper: Any, connection: Any, target: Rule | WebhookEndpoint) -> None:
    """Every change through the ORM moves `updated_at`: the engine's cached configuration is checked against it
    (rules.engine.VERSION_SQL), so an editor that forgets to set it (a new admin page) is still seen at once."""
    target.updated_at = utcnow()

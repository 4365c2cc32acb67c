"""API shapes for rules, webhook endpoints, the delivery log and dry runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from frontline.kit.schemas import Input, Output
from frontline.rules.models import RuleKind

WEBHOOK_EVENTS = frozenset({"ticket.created", "ticket.updated", "ticket.customer_replied", "ticket.agent_replied"})


class RuleIn(Input):
    name: str = Field(min_length=1, max_length=120)
    kind: RuleKind = RuleKind.trigger
    events: list[str] = Field(default_factory=list, description="Triggers: created, updated, customer_replied, "
                              "agent_replied.")
    conditions: dict[str, Any] = Field(default_factory=dict, description='{"all": [...], "any": [...]}, each '
                                       "item {field, op, value[, calendar_id]}.")
    actions: list[dict[str, Any]] = Field(default_factory=list, description="[{type, ...}], see docs/rules.md.")
    position: int = Field(default=100, ge=0, le=1_000_000)
    active: bool = True


class RuleOut(Output):
    id: int
    name: str
    kind: str
    events: list[str]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    position: int
    active: bool
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class DryRunIn(RuleIn):
    name: str = Field(default="dry run", max_length=120)
    limit: int = Field(default=1000, ge=1, le=10_000, description="How many of the latest tickets to test.")
    actions: list[dict[str, Any]] = Field(default_factory=list)


class DryRunOut(Output):
    tested: int
    matched: list[int]


class WebhookIn(Input):
    name: str = Field(min_length=1, max_length=120)
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    secret: str = Field(min_length=16, max_length=200)
    events: list[str] = Field(default_factory=list)
    active: bool = True


class WebhookOut(Output):
    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class AttemptOut(Output):
    attempt: int
    status_code: int | None
    duration_ms: float
    error: str | None
    at: datetime


class DeliveryOut(Output):
    id: int
    endpoint_id: int
    event: str
    ticket_id: int | None
    status: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut] = Field(default_factory=list)

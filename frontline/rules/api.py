"""REST endpoints: rules (CRUD, dry run), webhook endpoints and their delivery log. Supervisors and admins."""

from __future__ import annotations

from fastapi import APIRouter, Response

from frontline.accounts.deps import DB, Supervisor, SupervisorReader
from frontline.kit.schemas import Id
from frontline.rules import manage
from frontline.rules.models import Rule, WebhookEndpoint
from frontline.rules.schemas import (
    AttemptOut,
    DeliveryOut,
    DryRunIn,
    DryRunOut,
    RuleIn,
    RuleOut,
    WebhookIn,
    WebhookOut,
)

router = APIRouter(prefix="", tags=["rules"])


@router.get("/rules", response_model=list[RuleOut])
def get_rules(db: DB, caller: SupervisorReader) -> list[Rule]:
    return manage.list_rules(db)


@router.post("/rules", status_code=201, response_model=RuleOut)
def post_rule(body: RuleIn, db: DB, caller: Supervisor) -> Rule:
    return manage.create_rule(db, body, caller.user_id)


@router.post("/rules/dry-run", response_model=DryRunOut)
def post_dry_run(body: DryRunIn, db: DB, caller: Supervisor) -> DryRunOut:
    """Which of the latest tickets the rule's conditions match now; conditions only, nothing changes."""
    result = manage.dry_run(db, body, body.limit)
    return DryRunOut(tested=result.tested, matched=result.matched)


@router.get("/rules/{rule_id}", response_model=RuleOut)
def get_rule(rule_id: Id, db: DB, caller: SupervisorReader) -> Rule:
    return manage.get_rule(db, rule_id)


@router.put("/rules/{rule_id}", response_model=RuleOut)
def put_rule(rule_id: Id, body: RuleIn, db: DB, caller: Supervisor) -> Rule:
    return manage.update_rule(db, manage.get_rule(db, rule_id), body)


@router.delete("/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: Id, db: DB, caller: Supervisor) -> Response:
    manage.delete_rule(db, manage.get_rule(db, rule_id))
    return Response(status_code=204)


@router.get("/webhooks", response_model=list[WebhookOut])
def get_webhooks(db: DB, caller: SupervisorReader) -> list[WebhookEndpoint]:
    return manage.list_webhooks(db)


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
def post_webhook(body: WebhookIn, db: DB, caller: Supervisor) -> WebhookEndpoint:
    return manage.save_webhook(db, None, body)


@router.put("/webhooks/{webhook_id}", response_model=WebhookOut)
def put_webhook(webhook_id: Id, body: WebhookIn, db: DB, caller: Supervisor) -> WebhookEndpoint:
    return manage.save_webhook(db, manage.get_webhook(db, webhook_id), body)


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: Id, db: DB, caller: Supervisor) -> Response:
    manage.delete_webhook(db, manage.get_webhook(db, webhook_id))
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def get_deliveries(webhook_id: Id, db: DB, caller: SupervisorReader, limit: int = 50) -> list[DeliveryOut]:
    """The latest deliveries to an endpoint, newest first, each with its attempts."""
    manage.get_webhook(db, webhook_id)
    out = []
    for row, attempts in manage.deliveries(db, webhook_id, limit):
        item = DeliveryOut.model_validate(row)
        item.log = [AttemptOut.model_validate(a) for a in attempts]
        out.append(item)
    return out

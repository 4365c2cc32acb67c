"""REST endpoints: rules (CRUD, dry run), webhook endpoints and their delivery log. Supervisors and admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.deps import DB, Reader, Writer
from frontline.accounts.models import Team, User
from frontline.accounts.principal import Principal
from frontline.kit.db import utcnow
from frontline.kit.errors import Forbidden, InvalidInput, NotFound
from frontline.rules import engine
from frontline.rules.actions import ActionError, check_actions
from frontline.rules.conditions import TIME_FIELDS, ConditionError, parse_block
from frontline.rules.models import Rule, RuleKind, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontline.rules.schemas import (
    WEBHOOK_EVENTS,
    AttemptOut,
    DeliveryOut,
    DryRunIn,
    DryRunOut,
    RuleIn,
    RuleOut,
    WebhookIn,
    WebhookOut,
)
from frontline.sla.models import Calendar
from frontline.tickets.models import Ticket

router = APIRouter(prefix="", tags=["rules"])


def _require_reader(caller: Principal) -> None:
    if not caller.sees_all_tickets:
        raise Forbidden("Only supervisors and administrators may see rules and webhooks.")


def _exists(db: Session, model: Any, ident: Any, what: str, where: str) -> None:
    if not isinstance(ident, int) or isinstance(ident, bool) or db.get(model, ident) is None:
        raise InvalidInput(f"{where}: no {what} with id {ident!r}.")


def _check_references(db: Session, body: RuleIn) -> None:
    for key in ("all", "any"):
        for n, c in enumerate(body.conditions.get(key) or []):
            where = f"conditions.{key}[{n}]"
            if c.get("field") == "business_hours":
                _exists(db, Calendar, c.get("value"), "SLA calendar", where)
            if c.get("calendar_id") is not None:
                _exists(db, Calendar, c["calendar_id"], "SLA calendar", where)
    for n, action in enumerate(body.actions):
        where = f"actions[{n}]"
        if action["type"] == "set_team" and action.get("value") is not None:
            _exists(db, Team, action["value"], "team", where)
        if action["type"] == "escalate" and action.get("team_id") is not None:
            _exists(db, Team, action["team_id"], "team", where)
        if action["type"] == "set_assignee" and action.get("value") is not None:
            _exists(db, User, action["value"], "agent", where)
        if action["type"] == "webhook":
            _exists(db, WebhookEndpoint, action["webhook_id"], "webhook endpoint", where)


def check_rule(db: Session, body: RuleIn, *, need_actions: bool = True) -> engine.LoadedRule:
    """Everything a rule needs to run, checked now: a bad rule is refused with a 422 that says why."""
    try:
        all_of, _ = parse_block(body.conditions)
        if need_actions or body.actions:
            check_actions(body.actions)
    except (ConditionError, ActionError) as exc:
        raise InvalidInput(str(exc)) from exc
    if body.kind == RuleKind.trigger:
        unknown = sorted(set(body.events) - set(engine.TRIGGER_EVENTS))
        if not body.events or unknown:
            raise InvalidInput(f"events: a trigger needs events from: {', '.join(engine.TRIGGER_EVENTS)}"
                               + (f" ('{unknown[0]}' is not one)." if unknown else "."))
    else:
        if body.events:
            raise InvalidInput("events: an automation runs on time, not on events; leave 'events' empty.")
        if not any(c.field in TIME_FIELDS for c in all_of):
            raise InvalidInput("conditions.all: an automation needs a time condition (" +
                               ", ".join(sorted(TIME_FIELDS)) + ").")
    _check_references(db, body)
    row = Rule(id=0, name=body.name, kind=body.kind, events=body.events, conditions=body.conditions,
               actions=body.actions, owner_id=None)
    return engine.load_rule(row)


def _rule(db: Session, rule_id: int) -> Rule:
    row = db.get(Rule, rule_id)
    if row is None:
        raise NotFound(f"No rule {rule_id}.")
    return row


def _unique_name(db: Session, model: Any, name: str, own_id: int | None) -> None:
    found = db.scalar(select(model.id).where(model.name == name))
    if found is not None and found != own_id:
        raise InvalidInput(f"name: '{name}' is already taken.")


@router.get("/rules", response_model=list[RuleOut])
def get_rules(db: DB, caller: Reader) -> list[Rule]:
    _require_reader(caller)
    return list(db.scalars(select(Rule).order_by(Rule.kind, Rule.position, Rule.id)))


@router.post("/rules", status_code=201, response_model=RuleOut)
def post_rule(body: RuleIn, db: DB, caller: Writer) -> Rule:
    caller.require_supervisor()
    check_rule(db, body)
    _unique_name(db, Rule, body.name, None)
    now = utcnow()
    row = Rule(**body.model_dump(), owner_id=caller.user_id, created_at=now, updated_at=now)
    db.add(row)
    db.flush()
    return row


@router.post("/rules/dry-run", response_model=DryRunOut)
def post_dry_run(body: DryRunIn, db: DB, caller: Writer) -> DryRunOut:
    """Which of the latest tickets the rule's conditions match now; conditions only, nothing changes."""
    caller.require_supervisor()
    rule = check_rule(db, body, need_actions=False)
    ids = list(db.scalars(select(Ticket.id).order_by(Ticket.id.desc()).limit(body.limit)))
    return DryRunOut(tested=len(ids), matched=engine.dry_run(db, rule, ids, utcnow()))


@router.get("/rules/{rule_id}", response_model=RuleOut)
def get_rule(rule_id: int, db: DB, caller: Reader) -> Rule:
    _require_reader(caller)
    return _rule(db, rule_id)


@router.put("/rules/{rule_id}", response_model=RuleOut)
def put_rule(rule_id: int, body: RuleIn, db: DB, caller: Writer) -> Rule:
    caller.require_supervisor()
    row = _rule(db, rule_id)
    check_rule(db, body)
    _unique_name(db, Rule, body.name, rule_id)
    for key, value in body.model_dump().items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.flush()
    return row


@router.delete("/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: int, db: DB, caller: Writer) -> Response:
    caller.require_supervisor()
    db.delete(_rule(db, rule_id))
    return Response(status_code=204)


def _check_webhook(body: WebhookIn) -> None:
    unknown = sorted(set(body.events) - WEBHOOK_EVENTS)
    if unknown:
        raise InvalidInput(f"events: unknown event '{unknown[0]}'. Events: {', '.join(sorted(WEBHOOK_EVENTS))}.")


def _endpoint(db: Session, webhook_id: int) -> WebhookEndpoint:
    row = db.get(WebhookEndpoint, webhook_id)
    if row is None:
        raise NotFound(f"No webhook endpoint {webhook_id}.")
    return row


@router.get("/webhooks", response_model=list[WebhookOut])
def get_webhooks(db: DB, caller: Reader) -> list[WebhookEndpoint]:
    _require_reader(caller)
    return list(db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
def post_webhook(body: WebhookIn, db: DB, caller: Writer) -> WebhookEndpoint:
    caller.require_supervisor()
    _check_webhook(body)
    _unique_name(db, WebhookEndpoint, body.name, None)
    now = utcnow()
    row = WebhookEndpoint(**body.model_dump(), created_at=now, updated_at=now)
    db.add(row)
    db.flush()
    return row


@router.put("/webhooks/{webhook_id}", response_model=WebhookOut)
def put_webhook(webhook_id: int, body: WebhookIn, db: DB, caller: Writer) -> WebhookEndpoint:
    caller.require_supervisor()
    row = _endpoint(db, webhook_id)
    _check_webhook(body)
    _unique_name(db, WebhookEndpoint, body.name, webhook_id)
    for key, value in body.model_dump().items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.flush()
    return row


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: int, db: DB, caller: Writer) -> Response:
    caller.require_supervisor()
    db.delete(_endpoint(db, webhook_id))
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def get_deliveries(webhook_id: int, db: DB, caller: Reader, limit: int = 50) -> list[DeliveryOut]:
    """The latest deliveries to an endpoint, newest first, each with its attempts."""
    _require_reader(caller)
    _endpoint(db, webhook_id)
    rows = list(db.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
                           .order_by(WebhookDelivery.id.desc()).limit(max(1, min(limit, 500)))))
    attempts: dict[int, list[WebhookAttempt]] = {r.id: [] for r in rows}
    if rows:
        for a in db.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(list(attempts)))
                            .order_by(WebhookAttempt.attempt)):
            attempts[a.delivery_id].append(a)
    out = []
    for row in rows:
        item = DeliveryOut.model_validate(row)
        item.log = [AttemptOut.model_validate(a) for a in attempts[row.id]]
        out.append(item)
    return out

"""Managing rules and webhook endpoints: validated saves, order, switching on and off, dry runs, delivery log.

Used by the API and the admin pages alike. Everything here flushes; the caller's boundary commits. Every
change stamps `updated_at`, which is what tells the engine's cached configuration to reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import Team, User
from frontline.kit.db import utcnow
from frontline.kit.errors import InvalidInput, NotFound
from frontline.kit.settings import get_settings
from frontline.rules import egress, engine
from frontline.rules.actions import ActionError, check_actions
from frontline.rules.conditions import TIME_FIELDS, ConditionError, parse_block
from frontline.rules.models import Rule, RuleKind, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontline.rules.schemas import WEBHOOK_EVENTS, RuleIn, WebhookIn
from frontline.sla.models import Calendar
from frontline.tickets.models import Ticket

POSITION_STEP = 10
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a bigger number names nothing


def valid_id(ident: Any) -> bool:
    return isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_ID


def _exists(db: Session, model: Any, ident: Any, what: str, where: str) -> None:
    if not valid_id(ident) or db.get(model, ident) is None:
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


def unique_name(db: Session, model: Any, name: str, own_id: int | None) -> None:
    found = db.scalar(select(model.id).where(model.name == name))
    if found is not None and found != own_id:
        raise InvalidInput(f"name: '{name}' is already taken.")


# -- rules -------------------------------------------------------------------------------------------------

def list_rules(db: Session, kind: str | None = None) -> list[Rule]:
    """Rules in running order (position, then id), triggers before automations."""
    query = select(Rule).order_by(Rule.kind.desc(), Rule.position, Rule.id)
    if kind is not None:
        query = query.where(Rule.kind == kind)
    return list(db.scalars(query))


def get_rule(db: Session, rule_id: int) -> Rule:
    row = db.get(Rule, rule_id) if valid_id(rule_id) else None
    if row is None:
        raise NotFound(f"No rule {rule_id}.")
    return row


def create_rule(db: Session, body: RuleIn, owner_id: int | None, *, last: bool = False) -> Rule:
    """A new rule owned by `owner_id` (the author of its template replies); `last` puts it at the end
    of its kind's order instead of at `body.position`."""
    check_rule(db, body)
    unique_name(db, Rule, body.name, None)
    now = utcnow()
    row = Rule(**body.model_dump(), owner_id=owner_id, created_at=now, updated_at=now)
    if last:
        positions = [r.position for r in list_rules(db, str(body.kind))]
        row.position = max(positions, default=0) + POSITION_STEP
    db.add(row)
    db.flush()
    return row


def update_rule(db: Session, row: Rule, body: RuleIn, *, keep_position: bool = False) -> Rule:
    check_rule(db, body)
    unique_name(db, Rule, body.name, row.id)
    values = body.model_dump()
    if keep_position:
        values.pop("position")
    if values["kind"] != row.kind and keep_position:
        positions = [r.position for r in list_rules(db, str(values["kind"]))]
        row.position = max(positions, default=0) + POSITION_STEP
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.flush()
    return row


def delete_rule(db: Session, row: Rule) -> None:
    db.delete(row)
    db.flush()


def move_rule(db: Session, row: Rule, steps: int) -> None:
    """Move a rule up (negative) or down among the rules of its kind; positions become 10, 20, 30..."""
    ordered = list_rules(db, row.kind)
    index = next(i for i, r in enumerate(ordered) if r.id == row.id)
    target = max(0, min(len(ordered) - 1, index + steps))
    ordered.insert(target, ordered.pop(index))
    now = utcnow()
    for n, rule in enumerate(ordered, start=1):
        if rule.position != n * POSITION_STEP:
            rule.position = n * POSITION_STEP
            rule.updated_at = now
    db.flush()


def set_rule_active(db: Session, row: Rule, active: bool) -> None:
    row.active = active
    row.updated_at = utcnow()
    db.flush()


@dataclass(frozen=True)
class DryRun:
    tested: int
    matched: list[int]


def dry_run(db: Session, body: RuleIn, limit: int = 1000) -> DryRun:
    """Which of the latest `limit` tickets the rule's conditions match now; conditions only, nothing changes."""
    rule = check_rule(db, body, need_actions=False)
    ids = list(db.scalars(select(Ticket.id).order_by(Ticket.id.desc()).limit(max(1, min(limit, 10_000)))))
    return DryRun(tested=len(ids), matched=engine.dry_run(db, rule, ids, utcnow()))


# -- webhooks ----------------------------------------------------------------------------------------------

def check_webhook(body: WebhookIn) -> None:
    try:
        egress.check_literal(body.url, get_settings().webhook_allowed_networks)
    except (egress.EgressRefused, ValueError) as exc:
        raise InvalidInput(f"url: {exc}") from exc
    unknown = sorted(set(body.events) - WEBHOOK_EVENTS)
    if unknown:
        raise InvalidInput(f"events: unknown event '{unknown[0]}'. Events: {', '.join(sorted(WEBHOOK_EVENTS))}.")


def list_webhooks(db: Session) -> list[WebhookEndpoint]:
    return list(db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def get_webhook(db: Session, webhook_id: int) -> WebhookEndpoint:
    row = db.get(WebhookEndpoint, webhook_id) if valid_id(webhook_id) else None
    if row is None:
        raise NotFound(f"No webhook endpoint {webhook_id}.")
    return row


def save_webhook(db: Session, row: WebhookEndpoint | None, body: WebhookIn) -> WebhookEndpoint:
    check_webhook(body)
    unique_name(db, WebhookEndpoint, body.name, row.id if row is not None else None)
    now = utcnow()
    target = row if row is not None else WebhookEndpoint(created_at=now)
    for key, value in body.model_dump().items():
        setattr(target, key, value)
    target.updated_at = now
    if row is None:
        db.add(target)
    db.flush()
    return target


def set_webhook_active(db: Session, row: WebhookEndpoint, active: bool) -> None:
    row.active = active
    row.updated_at = utcnow()
    db.flush()


def delete_webhook(db: Session, row: WebhookEndpoint) -> None:
    db.delete(row)
    db.flush()


def deliveries(db: Session, webhook_id: int, limit: int = 50
               ) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
    """The latest deliveries to an endpoint, newest first, each with its attempts in order."""
    rows = list(db.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
                           .order_by(WebhookDelivery.id.desc()).limit(max(1, min(limit, 500)))))
    attempts: dict[int, list[WebhookAttempt]] = {r.id: [] for r in rows}
    if rows:
        for a in db.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(list(attempts)))
                            .order_by(WebhookAttempt.attempt)):
            attempts[a.delivery_id].append(a)
    return [(row, attempts[row.id]) for row in rows]


def _uses_calendar(conditions: dict[str, object], calendar_id: int) -> bool:
    for key in ("all", "any"):
        items = conditions.get(key) if isinstance(conditions, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("calendar_id") == calendar_id:
                return True
            if item.get("field") == "business_hours" and item.get("value") == calendar_id:
                return True
    return False


def rules_using_calendar(db: Session, calendar_id: int) -> list[str]:
    """Names of the rules whose conditions use an SLA calendar (installed into sla/manage.py by the wiring, so
    a calendar in use is not deleted)."""
    return [rule.name for rule in db.scalars(select(Rule).order_by(Rule.name))
            if _uses_calendar(rule.conditions or {}, calendar_id)]

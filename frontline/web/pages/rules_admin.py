"""Admin pages for rules (triggers and automations) and webhook endpoints, with the dry run and delivery log.

A rule's conditions and actions are edited as rows of ordinary form controls (field, operator, value;
action, value, text); web/rule_form.py translates them to the rule vocabulary of docs/rules.md and back.
Validation is `frontline.rules.manage.check_rule`; its message is shown next to the row it names (422),
nothing stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontline.accounts.deps import DB
from frontline.kit.errors import InvalidInput
from frontline.kit.schemas import Id
from frontline.rules import manage
from frontline.rules.actions import ACTION_KEYS
from frontline.rules.conditions import CHOICES, FIELD_OPS, TIME_FIELDS
from frontline.rules.engine import TRIGGER_EVENTS
from frontline.rules.models import Rule, RuleKind, WebhookEndpoint
from frontline.rules.schemas import WEBHOOK_EVENTS, RuleIn, WebhookIn
from frontline.tickets.models import Ticket
from frontline.web.i18n import _
from frontline.web.pages.queues import nav_context
from frontline.web.pages.sla_admin import Posted, _can_edit, require_manager
from frontline.web.render import render
from frontline.web.rule_form import (
    ACTION_HELP,
    ACTION_LABELS,
    EVENT_LABELS,
    FIELD_LABELS,
    OP_LABELS,
    Names,
    Row,
    RuleForm,
    body_of,
    column,
    form_of_rule,
    place_error,
    posted_form,
    row_of_action,
    row_of_condition,
)
from frontline.web.session import Agent, WebAgent, verify_csrf

router = APIRouter(prefix="/ui/admin", include_in_schema=False, dependencies=[Depends(verify_csrf)])
SHOWN_HITS = 200


def _vocabulary(names: Names) -> dict[str, Any]:
    return {
        "fields": FIELD_LABELS, "ops": OP_LABELS, "field_ops": {f: sorted(o) for f, o in FIELD_OPS.items()},
        "choices": {f: sorted(c) for f, c in CHOICES.items()}, "time_fields": TIME_FIELDS,
        "actions": {k: ACTION_LABELS[k] for k in ACTION_KEYS}, "action_help": ACTION_HELP,
        "events": {e: EVENT_LABELS[e] for e in TRIGGER_EVENTS}, "names": names,
    }


def _rule_page(request: Request, db: Session, agent: WebAgent, rule: Rule | None, form: RuleForm, names: Names,
               *, hits: dict[str, Any] | None = None, status: int = 200) -> Response:
    return render(request, "admin_rules_form.html", {
        "rule": rule, "f": form, "hits": hits, "can_edit": _can_edit(agent), **_vocabulary(names),
        **nav_context(db, agent), "current": "rules",
    }, status=status)


def _hits(db: Session, result: manage.DryRun) -> dict[str, Any]:
    shown = result.matched[:SHOWN_HITS]
    tickets = {t.id: t for t in db.scalars(select(Ticket).where(Ticket.id.in_(shown)))} if shown else {}
    return {"tested": result.tested, "count": len(result.matched), "tickets": [tickets[i] for i in shown
                                                                               if i in tickets]}


def _overview(request: Request, db: Session, agent: WebAgent, *, webhook_error: str = "",
              webhook_values: dict[str, Any] | None = None, status: int = 200) -> Response:
    rules = manage.list_rules(db)
    webhooks = manage.list_webhooks(db)
    names = Names(db)

    def shown_condition(c: dict[str, Any]) -> str:
        row = row_of_condition(c, names)
        return names.calendars.get(int(row.extra), row.extra) if c.get("field") == "business_hours" and \
            row.extra.isdigit() else row.value

    def shown_action(a: dict[str, Any]) -> str:
        return row_of_action(a, names).value
    return render(request, "admin_rules.html", {
        "triggers": [r for r in rules if r.kind == RuleKind.trigger],
        "automations": [r for r in rules if r.kind == RuleKind.automation], "webhooks": webhooks,
        "fields": FIELD_LABELS, "ops": OP_LABELS, "actions": ACTION_LABELS, "events": EVENT_LABELS,
        "webhook_events": sorted(WEBHOOK_EVENTS), "webhook_error": webhook_error,
        "shown_condition": shown_condition, "shown_action": shown_action,
        "wv": webhook_values or {"name": "", "url": "https://", "events": [], "active": True},
        "can_edit": _can_edit(agent), **nav_context(db, agent), "current": "rules",
    }, status=status)


@router.get("/rules")
def rules_page(request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    return _overview(request, db, agent)


@router.get("/rules/new")
def new_rule(request: Request, db: DB, agent: Agent, kind: str = RuleKind.trigger) -> Response:
    require_manager(agent, write=True)
    form = RuleForm(kind=kind if kind in (RuleKind.trigger, RuleKind.automation) else RuleKind.trigger)
    if form.kind == RuleKind.automation:
        form.events = []
        form.rows["all"] = [Row(a="hours_since_status_change", b="gte")]
    return _rule_page(request, db, agent, None, form.pad(), Names(db))


@router.get("/rules/{rule_id}")
def edit_rule(rule_id: Id, request: Request, db: DB, agent: Agent, dry_run: int = 0) -> Response:
    require_manager(agent)
    rule = manage.get_rule(db, rule_id)
    names = Names(db)
    form = form_of_rule(rule, names)
    hits = None
    if dry_run:
        body = RuleIn(name=rule.name, kind=RuleKind(rule.kind), events=rule.events, conditions=rule.conditions,
                      actions=rule.actions)
        try:
            hits = _hits(db, manage.dry_run(db, body, form.limit))
        except InvalidInput as exc:
            place_error(form, exc.detail)
    return _rule_page(request, db, agent, rule, form.pad(), names, hits=hits)


def _save_rule(request: Request, db: Session, agent: WebAgent, rule: Rule | None, posted: FormData) -> Response:
    require_manager(agent, write=True)
    names = Names(db)
    form = posted_form(posted)
    op = posted.get("op")
    if op == "more":
        return _rule_page(request, db, agent, rule, form.pad(1), names)
    try:
        body = body_of(form, names, dry=op == "dry_run")
        if op == "dry_run":
            hits = _hits(db, manage.dry_run(db, body, form.limit))
            db.rollback()  # a dry run never changes anything
            return _rule_page(request, db, agent, rule, form.pad(), names, hits=hits)
        if rule is None:
            saved = manage.create_rule(db, body, agent.id, last=True)
        else:
            saved = manage.update_rule(db, rule, body, keep_position=True)
    except InvalidInput as exc:
        db.rollback()
        place_error(form, exc.detail)
        return _rule_page(request, db, agent, rule, form.pad(), names, status=422)
    return RedirectResponse(f"/ui/admin/rules?saved={saved.id}#rule-{saved.id}", status_code=303)


@router.post("/rules")
def create_rule(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    return _save_rule(request, db, agent, None, form)


@router.post("/rules/{rule_id}")
def update_rule(rule_id: Id, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    return _save_rule(request, db, agent, manage.get_rule(db, rule_id), form)


@router.post("/rules/{rule_id}/move")
def move_rule(rule_id: Id, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    rule = manage.get_rule(db, rule_id)
    manage.move_rule(db, rule, -1 if form.get("direction") == "up" else 1)
    return RedirectResponse(f"/ui/admin/rules#{rule.kind}s", status_code=303)


@router.post("/rules/{rule_id}/active")
def toggle_rule(rule_id: Id, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    rule = manage.get_rule(db, rule_id)
    manage.set_rule_active(db, rule, not rule.active)
    return RedirectResponse(f"/ui/admin/rules#rule-{rule.id}", status_code=303)


@router.post("/rules/{rule_id}/delete")
def delete_rule(rule_id: Id, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    manage.delete_rule(db, manage.get_rule(db, rule_id))
    return RedirectResponse("/ui/admin/rules", status_code=303)


# -- webhooks ----------------------------------------------------------------------------------------------

def _webhook_values(form: FormData) -> dict[str, Any]:
    return {"name": str(form.get("name") or "").strip(), "url": str(form.get("url") or "").strip(),
            "events": [e for e in column(form, "events") if e], "active": bool(form.get("active"))}


def _webhook_body(values: dict[str, Any], secret: str) -> WebhookIn:
    try:
        return WebhookIn(**values, secret=secret)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        hints = {"url": _("give an http:// or https:// address"), "secret": _("at least 16 characters"),
                 "name": _("give a name (up to 120 characters)")}
        raise InvalidInput(f"{where}: {hints.get(where, first['msg'])}") from exc


@router.post("/webhooks")
def create_webhook(request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    require_manager(agent, write=True)
    values = _webhook_values(form)
    try:
        manage.save_webhook(db, None, _webhook_body(values, str(form.get("secret") or "")))
    except InvalidInput as exc:
        db.rollback()
        return _overview(request, db, agent, webhook_error=exc.detail, webhook_values=values, status=422)
    return RedirectResponse("/ui/admin/rules#webhooks", status_code=303)


@router.post("/webhooks/{webhook_id}")
def update_webhook(webhook_id: Id, request: Request, db: DB, agent: Agent, form: Posted) -> Response:
    """Change an endpoint; an empty secret field keeps the current secret (it is never shown)."""
    require_manager(agent, write=True)
    row = manage.get_webhook(db, webhook_id)
    values = _webhook_values(form)
    try:
        manage.save_webhook(db, row, _webhook_body(values, str(form.get("secret") or "") or row.secret))
    except InvalidInput as exc:
        db.rollback()
        return _webhook_page(request, db, agent, row, values, error=exc.detail, status=422)
    return RedirectResponse(f"/ui/admin/webhooks/{webhook_id}?saved=1", status_code=303)


@router.post("/webhooks/{webhook_id}/active")
def toggle_webhook(webhook_id: Id, db: DB, agent: Agent) -> Response:
    require_manager(agent, write=True)
    row = manage.get_webhook(db, webhook_id)
    manage.set_webhook_active(db, row, not row.active)
    return RedirectResponse("/ui/admin/rules#webhooks", status_code=303)


def _webhook_page(request: Request, db: Session, agent: WebAgent, row: WebhookEndpoint,
                  values: dict[str, Any] | None = None, *, error: str = "", status: int = 200) -> Response:
    return render(request, "admin_rules_webhook.html", {
        "webhook": row, "deliveries": manage.deliveries(db, row.id, 100), "can_edit": _can_edit(agent),
        "wv": values or {"name": row.name, "url": row.url, "events": list(row.events or []), "active": row.active},
        "webhook_events": sorted(WEBHOOK_EVENTS), "error": error, **nav_context(db, agent), "current": "rules",
    }, status=status)


@router.get("/webhooks/{webhook_id}")
def webhook_page(webhook_id: Id, request: Request, db: DB, agent: Agent) -> Response:
    require_manager(agent)
    return _webhook_page(request, db, agent, manage.get_webhook(db, webhook_id))

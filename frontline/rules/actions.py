"""Rule actions: checked on save, then carried out through the ticket and routing services.

Going through the services (not raw column writes) keeps history, SLA clocks and listeners right; the
engine afterwards stamps the history entries an action produced with the rule that caused them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontline.accounts.models import User
from frontline.accounts.principal import Principal
from frontline.contacts.models import Contact, ContactIdentity
from frontline.kit.errors import FrontlineError
from frontline.routing import service as routing
from frontline.tickets import history, labels
from frontline.tickets.messages import add_agent_message
from frontline.tickets.models import Priority, Status, Ticket
from frontline.tickets.schemas import MessageCreate, TicketUpdate
from frontline.tickets.service import update_ticket
from frontline.tickets.status import check_transition

SET_FIELDS = {"set_status": "status", "set_priority": "priority", "set_team": "team_id", "set_line": "line",
              "set_assignee": "assignee_id", "set_category": "category"}
ACTION_KEYS: dict[str, frozenset[str]] = {
    **{name: frozenset({"value"}) for name in SET_FIELDS},
    "add_tag": frozenset({"value"}), "remove_tag": frozenset({"value"}),
    "escalate": frozenset({"reason", "team_id", "line"}), "assign": frozenset(),
    "reply": frozenset({"body"}), "notify": frozenset({"to", "message"}), "webhook": frozenset({"webhook_id"}),
}
REQUIRED = {"escalate": ("reason",), "reply": ("body",), "notify": ("message",), "webhook": ("webhook_id",),
            "add_tag": ("value",), "remove_tag": ("value",), "set_status": ("value",), "set_priority": ("value",)}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")
PLACEHOLDERS = frozenset({"ticket.number", "ticket.id", "ticket.subject", "ticket.status", "ticket.priority",
                          "customer.name", "customer.email"})
CHOICES = {"set_status": frozenset(Status), "set_priority": frozenset(Priority.__members__),
           "set_line": frozenset({"L1", "L2", "L3", None})}


class ActionError(ValueError):
    """An action that cannot be saved; the message names the action and what is wrong."""


@dataclass(frozen=True)
class RuleContext:
    """Who acts: the rule (for history) and its owner (author of template replies)."""

    rule_id: int
    rule_name: str
    owner_id: int | None
    ticket_prefix: str


def check_actions(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise ActionError("actions: give a non-empty list of {type, ...} objects.")
    for n, action in enumerate(raw):
        where = f"actions[{n}]"
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in ACTION_KEYS:
            raise ActionError(f"{where}: unknown action '{kind}'. Actions: {', '.join(sorted(ACTION_KEYS))}.")
        extra = set(action) - ACTION_KEYS[kind] - {"type"}
        if extra:
            raise ActionError(f"{where}: '{kind}' takes no '{sorted(extra)[0]}'.")
        missing = [k for k in REQUIRED.get(kind, ()) if action.get(k) in (None, "")]
        if missing:
            raise ActionError(f"{where}: '{kind}' needs '{missing[0]}'.")
        if kind in CHOICES and action.get("value") not in CHOICES[kind]:
            raise ActionError(f"{where}: '{action.get('value')}' is not valid for '{kind}'. Choose from: "
                              f"{', '.join(sorted(str(c) for c in CHOICES[kind] if c))}.")
        if kind == "reply":
            unknown = sorted(set(PLACEHOLDER.findall(str(action["body"]))) - PLACEHOLDERS)
            if unknown:
                raise ActionError(f"{where}: unknown placeholder '{{{{{unknown[0]}}}}}'. Placeholders: "
                                  f"{', '.join(sorted(PLACEHOLDERS))}.")
    return raw


def render(template: str, ticket: Ticket, customer_name: str, customer_email: str, prefix: str) -> str:
    """Fill {{ticket.number}}, {{customer.name}} and friends; pure, so the API can preview a reply."""
    values = {
        "ticket.number": f"{prefix}-{ticket.id}", "ticket.id": str(ticket.id), "ticket.subject": ticket.subject,
        "ticket.status": ticket.status, "ticket.priority": Priority(ticket.priority).name,
        "customer.name": customer_name, "customer.email": customer_email,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _customer(db: Session, contact_id: int | None) -> tuple[str, str]:
    if contact_id is None:
        return "", ""
    contact = db.get(Contact, contact_id)
    email = db.scalar(select(ContactIdentity.value).where(ContactIdentity.contact_id == contact_id,
                                                          ContactIdentity.kind == "email").limit(1))
    return (contact.name if contact else ""), email or ""


def _tags(db: Session, ticket: Ticket, add: str | None, remove: str | None) -> None:
    current = labels.tags_of(db, [ticket.id])[ticket.id]
    wanted = [t for t in current if t != remove] + ([add] if add and add not in current else [])
    if sorted(wanted) != sorted(current):
        update_ticket(db, ticket, TicketUpdate(tags=wanted), None)


def _reply(db: Session, ticket: Ticket, body: str, ctx: RuleContext) -> None:
    owner = db.get(User, ctx.owner_id) if ctx.owner_id else None
    if owner is None or not owner.is_active:
        raise ActionError("the rule has no active owner to send the reply as")
    name, email = _customer(db, ticket.contact_id)
    text = render(body, ticket, name, email, ctx.ticket_prefix)
    author = Principal(user_id=owner.id, role=owner.role)
    add_agent_message(db, ticket, MessageCreate(kind="reply", body_text=text), author)


def run_action(db: Session, ticket: Ticket, action: dict[str, Any], ctx: RuleContext) -> list[str]:
    """Carry out one action; returns the webhook ids to call (the engine enqueues those)."""
    kind = action["type"]
    if kind in SET_FIELDS:
        if kind == "set_status":
            check_transition(ticket.status, action["value"])
        update_ticket(db, ticket, TicketUpdate.model_validate({SET_FIELDS[kind]: action.get("value")}), None)
    elif kind in ("add_tag", "remove_tag"):
        value = labels.clean_tags([str(action["value"])])[0]
        _tags(db, ticket, value if kind == "add_tag" else None, value if kind == "remove_tag" else None)
    elif kind == "escalate":
        routing.escalate(db, ticket, None, reason=str(action["reason"]), team_id=action.get("team_id"),
                         to_line=action.get("line"))
    elif kind == "assign":
        if routing.assign(db, ticket, None) is not None:
            db.flush()
    elif kind == "reply":
        _reply(db, ticket, str(action["body"]), ctx)
    elif kind == "notify":
        history.record(db, ticket.id, "rule_notify", None,
                       data={"to": action.get("to") or "supervisors", "message": action["message"]})
    elif kind == "webhook":
        return [str(action["webhook_id"])]
    return []


def run_actions(db: Session, ticket: Ticket, actions: list[dict[str, Any]], ctx: RuleContext) -> list[int]:
    """Each action on its own: one that cannot apply (a closed ticket, the last line) is recorded and skipped."""
    webhooks: list[int] = []
    for action in actions:
        try:
            webhooks += [int(w) for w in run_action(db, ticket, action, ctx)]
        except (FrontlineError, ActionError) as exc:
            history.record(db, ticket.id, "rule_skipped", None,
                           data={"rule_id": ctx.rule_id, "action": action["type"], "why": str(exc)})
    return webhooks

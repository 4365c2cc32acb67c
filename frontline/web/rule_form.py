"""Rule forms: a rule's conditions and actions as rows of ordinary form controls, and back.

Values are typed as a person would: team and agent names, calendar names, comma lists; this module turns
them into the rule vocabulary of docs/rules.md and back, and places a validation message next to the row
it names. Pure translation: the pages in web/pages/rules_admin.py read and save through it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontline.accounts.models import Team, User
from frontline.kit.errors import InvalidInput
from frontline.rules.conditions import PRESENCE, TIME_FIELDS
from frontline.rules.models import Rule, RuleKind, WebhookEndpoint
from frontline.rules.schemas import RuleIn
from frontline.sla.models import Calendar
from frontline.web.i18n import N_, _

FIELD_LABELS = {
    "status": N_("Status"), "priority": N_("Priority"), "channel": N_("Channel"), "team_id": N_("Team"),
    "line": N_("Line"), "assignee_id": N_("Assignee"), "category": N_("Category"), "tags": N_("Tags"),
    "subject": N_("Subject"), "text": N_("Subject or last customer message"),
    "sentiment_label": N_("Sentiment"), "sentiment_score": N_("Sentiment score"),
    "business_hours": N_("Business hours"), "hours_since_created": N_("Hours since created"),
    "hours_since_updated": N_("Hours since updated"), "hours_since_status_change": N_("Hours since status change"),
    "hours_since_customer_message": N_("Hours since unanswered customer message"),
}
OP_LABELS = {
    "eq": N_("is"), "ne": N_("is not"), "in": N_("is one of"), "not_in": N_("is none of"), "gt": N_("above"),
    "gte": N_("at least"), "lt": N_("below"), "lte": N_("at most"), "is_set": N_("is set"),
    "not_set": N_("is not set"), "contains": N_("contains"), "not_contains": N_("does not contain"),
    "matches": N_("matches pattern"), "not_matches": N_("does not match pattern"), "within": N_("within"),
    "outside": N_("outside"),
}
ACTION_LABELS = {
    "set_status": N_("Set status"), "set_priority": N_("Set priority"), "set_team": N_("Set team"),
    "set_line": N_("Set line"), "set_assignee": N_("Set assignee"), "set_category": N_("Set category"),
    "add_tag": N_("Add tag"), "remove_tag": N_("Remove tag"), "escalate": N_("Escalate"),
    "assign": N_("Assign by team strategy"), "reply": N_("Send a reply"), "notify": N_("Notify"),
    "webhook": N_("Call a webhook"),
}
ACTION_HELP = {
    "set_status": N_("value: a status"), "set_priority": N_("value: a priority"),
    "set_team": N_("value: team name (empty clears)"), "set_line": N_("value: L1, L2 or L3"),
    "set_assignee": N_("value: agent e-mail (empty unassigns)"), "set_category": N_("value: category"),
    "add_tag": N_("value: the tag"), "remove_tag": N_("value: the tag"),
    "escalate": N_("value: target team and/or line (optional); text: the reason"), "assign": N_("nothing to fill in"),
    "reply": N_("text: the reply, with placeholders"), "notify": N_("value: to whom (optional); text: message"),
    "webhook": N_("value: webhook name"),
}
EVENT_LABELS = {"created": N_("Ticket created"), "updated": N_("Ticket updated"),
                "customer_replied": N_("Customer replied"), "agent_replied": N_("Agent replied")}
LOWER_FIELDS = {"status", "priority", "channel", "sentiment_label"}
LIST_OPS = {"in", "not_in"}
_WHERE = re.compile(r"^(?:conditions\.(all|any)\[(\d+)\]|actions\[(\d+)\])")


@dataclass
class Row:
    """One condition or action row of the form, as text, with the message that belongs to it."""

    a: str = ""
    b: str = ""
    value: str = ""
    extra: str = ""
    error: str = ""

    @property
    def blank(self) -> bool:
        return not (self.a or self.value.strip() or self.extra.strip())


@dataclass
class RuleForm:
    name: str = ""
    kind: str = RuleKind.trigger
    events: list[str] = field(default_factory=lambda: ["created"])
    active: bool = True
    rows: dict[str, list[Row]] = field(default_factory=lambda: {"all": [], "any": [], "actions": []})
    limit: int = 1000
    error: str = ""
    where: str = ""

    def pad(self, extra: int = 0) -> RuleForm:
        """Blank rows to fill in: two more conditions, one more 'any', two more actions (plus `extra`)."""
        for key, blank in (("all", 2), ("any", 1), ("actions", 2)):
            self.rows[key] += [Row() for _ in range(blank + extra)]
        return self


class Names:
    """Teams, agents, calendars and webhooks by id and by the names people type."""

    def __init__(self, db: Session) -> None:
        self.teams = {t.id: t.name for t in db.scalars(select(Team).order_by(Team.name))}
        self.agents = {u.id: u.email for u in db.scalars(select(User).order_by(User.email))}
        self.calendars = {c.id: c.name for c in db.scalars(select(Calendar).order_by(Calendar.name))}
        self.webhooks = {w.id: w.name for w in db.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.name))}

    @staticmethod
    def _find(table: dict[int, str], text: str, what: str) -> int:
        text = text.strip()
        if text.isdigit() and int(text) in table:
            return int(text)
        for ident, name in table.items():
            if name.casefold() == text.casefold():
                return ident
        raise InvalidInput(_("no %(what)s named '%(name)s'", what=_(what), name=text))

    def team(self, text: str) -> int:
        return self._find(self.teams, text, N_("team"))

    def agent(self, text: str) -> int:
        return self._find(self.agents, text, N_("agent"))

    def calendar(self, text: str) -> int:
        return self._find(self.calendars, text, N_("calendar"))

    def webhook(self, text: str) -> int:
        return self._find(self.webhooks, text, N_("webhook"))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text: str) -> int | float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError as exc:
        raise InvalidInput(_("'%(value)s' is not a number", value=text)) from exc
    return int(value) if value.is_integer() else value


def _one_or_list(values: list[Any], op: str) -> Any:
    return values if op in LIST_OPS or len(values) > 1 else (values[0] if values else "")


def condition_of(row: Row, names: Names) -> dict[str, Any]:
    """A condition row (field, op, value text, calendar) as the rule vocabulary's {field, op, value}."""
    fld, op, text = row.a, row.b, row.value.strip()
    out: dict[str, Any] = {"field": fld, "op": op}
    if op in PRESENCE:
        return out
    if fld == "business_hours":
        out["value"] = int(row.extra) if row.extra.isdigit() and len(row.extra) < 12 else names.calendar(text)
        return out
    if fld in TIME_FIELDS or fld == "sentiment_score":
        out["value"] = _number(text)
        if fld in TIME_FIELDS and row.extra.isdigit() and len(row.extra) < 12:
            out["calendar_id"] = int(row.extra)
        return out
    if fld in ("subject", "text"):
        out["value"] = row.value
        return out
    parts = _split(text) if op in LIST_OPS or fld == "tags" else ([text] if text else [])
    if fld in LOWER_FIELDS:
        parts = [p.lower() for p in parts]
    elif fld == "line":
        parts = [p.upper() for p in parts]
    elif fld == "team_id":
        return {**out, "value": _one_or_list([names.team(p) for p in parts], op)}
    elif fld == "assignee_id":
        return {**out, "value": _one_or_list([names.agent(p) for p in parts], op)}
    out["value"] = _one_or_list(parts, op)
    return out


def row_of_condition(c: dict[str, Any], names: Names) -> Row:
    fld, op, value = str(c.get("field", "")), str(c.get("op", "")), c.get("value")
    row = Row(a=fld, b=op)
    if fld == "business_hours":
        row.extra = str(value) if value is not None else ""
        return row
    if c.get("calendar_id") is not None:
        row.extra = str(c["calendar_id"])
    values = value if isinstance(value, list) else ([] if value is None else [value])
    if fld == "team_id":
        values = [names.teams.get(v, v) for v in values]
    elif fld == "assignee_id":
        values = [names.agents.get(v, v) for v in values]
    row.value = ", ".join(str(v) for v in values)
    return row


def action_of(row: Row, names: Names) -> dict[str, Any]:
    kind, value, text = row.a, row.value.strip(), row.extra
    out: dict[str, Any] = {"type": kind}
    if kind in ("set_status", "set_priority"):
        out["value"] = value.lower()
    elif kind == "set_line":
        out["value"] = value.upper() or None
    elif kind == "set_team":
        out["value"] = names.team(value) if value else None
    elif kind == "set_assignee":
        out["value"] = names.agent(value) if value else None
    elif kind in ("set_category", "add_tag", "remove_tag"):
        out["value"] = value or None
    elif kind == "escalate":
        out["reason"] = text.strip()
        for part in _split(value):  # a line, a team, or both: "L2, Network"
            if part.upper() in ("L1", "L2", "L3"):
                out["line"] = part.upper()
            else:
                out["team_id"] = names.team(part)
    elif kind == "reply":
        out["body"] = text
    elif kind == "notify":
        out["message"] = text.strip()
        if value:
            out["to"] = value
    elif kind == "webhook":
        out["webhook_id"] = names.webhook(value) if value else None
    return out


def row_of_action(a: dict[str, Any], names: Names) -> Row:
    kind = str(a.get("type", ""))
    row = Row(a=kind)
    if kind == "set_team" and a.get("value") is not None:
        row.value = names.teams.get(a["value"], str(a["value"]))
    elif kind == "set_assignee" and a.get("value") is not None:
        row.value = names.agents.get(a["value"], str(a["value"]))
    elif kind == "escalate":
        row.extra = str(a.get("reason", ""))
        team = names.teams.get(a["team_id"], str(a["team_id"])) if a.get("team_id") is not None else ""
        row.value = ", ".join(part for part in (a.get("line") or "", team) if part)
    elif kind == "reply":
        row.extra = str(a.get("body", ""))
    elif kind == "notify":
        row.extra, row.value = str(a.get("message", "")), str(a.get("to") or "")
    elif kind == "webhook":
        ident = a.get("webhook_id")
        row.value = names.webhooks.get(ident, str(ident)) if isinstance(ident, int) else str(ident or "")
    elif a.get("value") is not None:
        row.value = str(a["value"])
    return row


def form_of_rule(rule: Rule, names: Names) -> RuleForm:
    conditions = rule.conditions or {}
    form = RuleForm(name=rule.name, kind=rule.kind, events=list(rule.events or []), active=rule.active)
    form.rows = {"all": [row_of_condition(c, names) for c in conditions.get("all") or []],
                 "any": [row_of_condition(c, names) for c in conditions.get("any") or []],
                 "actions": [row_of_action(a, names) for a in rule.actions or []]}
    return form


def column(form: FormData, key: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in form.getlist(key)]


def posted_form(posted: FormData) -> RuleForm:
    def text(key: str) -> str:
        value = posted.get(key)
        return value.strip() if isinstance(value, str) else ""

    form = RuleForm(name=text("name"), kind=text("kind") or RuleKind.trigger,
                    events=[e for e in column(posted, "events") if e], active=bool(posted.get("active")))
    limit = text("limit")
    form.limit = max(1, min(int(limit), 10_000)) if limit.isdigit() else 1000
    for block in ("all", "any"):
        columns = [column(posted, f"{block}_{part}") for part in ("field", "op", "value", "calendar")]
        size = max(len(c) for c in columns)
        form.rows[block] = [Row(*(c[n] if n < len(c) else "" for c in columns)) for n in range(size)]
    columns = [column(posted, f"action_{part}") for part in ("type", "value", "text")]
    size = max(len(c) for c in columns)
    form.rows["actions"] = [Row(a=columns[0][n] if n < len(columns[0]) else "", value=columns[1][n]
                                if n < len(columns[1]) else "", extra=columns[2][n] if n < len(columns[2]) else "")
                            for n in range(size)]
    return form


def body_of(form: RuleForm, names: Names, *, dry: bool = False) -> RuleIn:
    """The rule the form describes. A row that cannot be read raises InvalidInput naming its place, in the
    same 'conditions.all[n]' / 'actions[n]' terms as the rule checks, where n counts the filled rows."""
    conditions: dict[str, list[dict[str, Any]]] = {}
    for block in ("all", "any"):
        items = []
        for row in form.rows[block]:
            if row.blank:
                continue
            try:
                items.append(condition_of(row, names))
            except InvalidInput as exc:
                raise InvalidInput(f"conditions.{block}[{len(items)}]: {exc.detail}") from exc
        if items:
            conditions[block] = items
    actions = []
    for row in form.rows["actions"]:
        if row.blank:
            continue
        try:
            actions.append(action_of(row, names))
        except InvalidInput as exc:
            raise InvalidInput(f"actions[{len(actions)}]: {exc.detail}") from exc
    kind = form.kind if form.kind in (RuleKind.trigger, RuleKind.automation) else RuleKind.trigger
    events = form.events if kind == RuleKind.trigger else []
    try:
        return RuleIn(name=form.name or ("dry run" if dry else ""), kind=RuleKind(kind), events=events,
                      conditions=conditions, actions=actions, active=form.active)
    except ValidationError as exc:
        raise InvalidInput(_("name: give the rule a name (up to 120 characters).")) from exc


def place_error(form: RuleForm, message: str) -> None:
    """Put a rule-check message next to the row it names (counting only filled rows), else above the form."""
    form.error = message
    match = _WHERE.match(message)
    if match is None:
        form.where = message.split(":", 1)[0] if ":" in message else ""
        return
    block, index = (match.group(1), int(match.group(2))) if match.group(1) else ("actions", int(match.group(3)))
    filled = [row for row in form.rows[block] if not row.blank]
    if index < len(filled):
        filled[index].error = message.split(":", 1)[1].strip()
        form.where = block


# -- pages -------------------------------------------------------------------------------------------------

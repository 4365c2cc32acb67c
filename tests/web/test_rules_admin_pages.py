"""Rules admin pages: triggers, automations and webhooks through the real forms, validation, dry run, order."""

from __future__ import annotations

from html import unescape
from typing import Any

from sqlalchemy import select

from frontline.kit.db import Database, utcnow
from frontline.rules.models import Rule, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontline.sla.models import Calendar
from frontline.tickets.models import Priority, Ticket, TicketEvent
from tests.web.conftest import make_ticket

SECRET = "a-signing-secret-0123456789"


def _rows(prefix: str, rows: list[tuple[str, ...]], parts: tuple[str, ...], blanks: int = 1) -> dict[str, list[str]]:
    """Form columns as the browser posts them: one value per row for every control, blank rows included."""
    padded = rows + [tuple("" for _ in parts)] * blanks
    return {f"{prefix}_{part}": [row[n] for row in padded] for n, part in enumerate(parts)}


def _rule_form(name: str = "Refunds", conditions: list[tuple[str, ...]] | None = None,
               any_of: list[tuple[str, ...]] | None = None, actions: list[tuple[str, ...]] | None = None,
               **fields: Any) -> dict[str, Any]:
    conditions = conditions if conditions is not None else [("subject", "contains", "refund", "")]
    actions = actions if actions is not None else [("add_tag", "refund", "")]
    return {"name": name, "kind": "trigger", "events": ["created"], "active": "1", "op": "save",
            **_rows("all", conditions, ("field", "op", "value", "calendar")),
            **_rows("any", any_of or [], ("field", "op", "value", "calendar")),
            **_rows("action", actions, ("type", "value", "text"), blanks=2), **fields}


def _rules(database: Database, kind: str | None = None) -> list[Rule]:
    with database.session(write=False) as db:
        query = select(Rule).order_by(Rule.position, Rule.id)
        return list(db.scalars(query.where(Rule.kind == kind) if kind else query))


def test_trigger_created_from_form_rows_and_shown_back(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/rules")
    assert page.status_code == 200 and "Triggers" in page.text and "Automations" in page.text
    assert admin.get("/ui/admin/rules/new").status_code == 200
    form = _rule_form(
        conditions=[("subject", "matches", r"refund|money back", ""), ("priority", "in", "High, urgent", ""),
                    ("team_id", "eq", "First line", "")],
        any_of=[("channel", "eq", "email", ""), ("tags", "contains", "vip, gold", "")],
        actions=[("add_tag", "refund", ""), ("set_priority", "Urgent", ""), ("escalate", "L2", "Refunds are L2"),
                 ("reply", "", "Hello {{customer.name}}, we got {{ticket.number}}."), ("set_team", "Second line", "")])
    r = admin.post("/ui/admin/rules", form)
    assert r.status_code == 303, unescape(r.text)
    [rule] = _rules(database)
    assert rule.conditions == {
        "all": [{"field": "subject", "op": "matches", "value": "refund|money back"},
                {"field": "priority", "op": "in", "value": ["high", "urgent"]},
                {"field": "team_id", "op": "eq", "value": desk.l1.id}],
        "any": [{"field": "channel", "op": "eq", "value": "email"},
                {"field": "tags", "op": "contains", "value": ["vip", "gold"]}]}
    assert rule.actions == [
        {"type": "add_tag", "value": "refund"}, {"type": "set_priority", "value": "urgent"},
        {"type": "escalate", "reason": "Refunds are L2", "line": "L2"},
        {"type": "reply", "body": "Hello {{customer.name}}, we got {{ticket.number}}."},
        {"type": "set_team", "value": desk.l2.id}]
    assert rule.owner_id == desk.admin.user.id and rule.events == ["created"] and rule.active

    edit = unescape(admin.get(f"/ui/admin/rules/{rule.id}").text)
    assert 'value="First line"' in edit and 'value="high, urgent"' in edit and 'value="Second line"' in edit
    assert "Hello {{customer.name}}, we got {{ticket.number}}." in edit

    changed = _rule_form(name="Refund requests", conditions=[("text", "contains", "refund", "")],
                         actions=[("add_tag", "refund", "")], events=["created", "customer_replied"])
    assert admin.post(f"/ui/admin/rules/{rule.id}", changed).status_code == 303
    [rule] = _rules(database)
    assert rule.name == "Refund requests" and rule.events == ["created", "customer_replied"]
    assert rule.conditions == {"all": [{"field": "text", "op": "contains", "value": "refund"}]}
    assert rule.actions == [{"type": "add_tag", "value": "refund"}]


def test_saved_trigger_runs_on_new_tickets(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/rules", _rule_form(actions=[("set_priority", "high", "")])).status_code == 303
    ticket_id = make_ticket(database, desk.l1.id, subject="Refund for order 7")
    with database.session(write=False) as db:
        ticket = db.get(Ticket, ticket_id)
        assert ticket is not None and ticket.priority == Priority.high


def test_automation_with_business_hours_calendar(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as db:
        calendar = Calendar(name="Office", timezone="UTC", weekly_hours={"mon-fri": "09:00-17:00"})
        db.add(calendar)
        db.flush()
        calendar_id = calendar.id
    admin = browser_for(desk.admin)
    page = admin.get("/ui/admin/rules/new?kind=automation")
    assert 'value="hours_since_status_change" data-ops' in page.text
    form = _rule_form(name="Unanswered", kind="automation", events=[],
                      conditions=[("hours_since_customer_message", "gte", "2", str(calendar_id)),
                                  ("business_hours", "within", "", str(calendar_id))],
                      actions=[("escalate", "", "Unanswered for 2 business hours")])
    r = admin.post("/ui/admin/rules", form)
    assert r.status_code == 303, unescape(r.text)
    [rule] = _rules(database, "automation")
    assert rule.events == []
    assert rule.conditions == {"all": [
        {"field": "hours_since_customer_message", "op": "gte", "value": 2, "calendar_id": calendar_id},
        {"field": "business_hours", "op": "within", "value": calendar_id}]}
    edit = admin.get(f"/ui/admin/rules/{rule.id}").text
    assert f'<option value="{calendar_id}" selected>Office</option>' in edit


def test_rules_reordered_within_their_kind_and_switched_off(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    for name in ("one", "two", "three"):
        assert admin.post("/ui/admin/rules", _rule_form(name=name)).status_code == 303
    automation = _rule_form(name="pending", kind="automation", events=[],
                            conditions=[("status", "eq", "pending", ""),
                                        ("hours_since_status_change", "gte", "120", "")],
                            actions=[("set_status", "solved", "")])
    assert admin.post("/ui/admin/rules", automation).status_code == 303
    assert [(r.name, r.position) for r in _rules(database, "trigger")] == [("one", 10), ("two", 20), ("three", 30)]
    assert [(r.name, r.position) for r in _rules(database, "automation")] == [("pending", 10)]
    three = _rules(database, "trigger")[2]
    assert admin.post(f"/ui/admin/rules/{three.id}/move", {"direction": "up"}).status_code == 303
    assert [r.name for r in _rules(database, "trigger")] == ["one", "three", "two"]
    admin.post(f"/ui/admin/rules/{three.id}/move", {"direction": "up"})
    admin.post(f"/ui/admin/rules/{three.id}/move", {"direction": "up"})
    assert [(r.name, r.position) for r in _rules(database, "trigger")] == [("three", 10), ("one", 20), ("two", 30)]
    listing = admin.get("/ui/admin/rules").text
    assert listing.index(">three<") < listing.index(">one<") < listing.index(">two<")

    before = _rules(database, "trigger")[0].updated_at
    assert admin.post(f"/ui/admin/rules/{three.id}/active").status_code == 303
    off = _rules(database, "trigger")[0]
    assert not off.active and off.updated_at > before  # the engine's cached rules reload
    ticket_id = make_ticket(database, desk.l1.id, subject="refund please")
    with database.session(write=False) as db:
        fired = {e.data["rule"] for e in db.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "rule_fired"))}
    assert fired == {"one", "two"}  # the switched-off rule stays quiet
    assert admin.post(f"/ui/admin/rules/{three.id}/active").status_code == 303
    assert _rules(database, "trigger")[0].active
    assert admin.post(f"/ui/admin/rules/{three.id}/delete").status_code == 303
    assert [r.name for r in _rules(database, "trigger")] == ["one", "two"]


def test_invalid_rules_shown_next_to_the_row_with_422(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/rules", _rule_form()).status_code == 303
    [before] = _rules(database)
    cases = [
        (_rule_form(name="x", conditions=[("subject", "contains", "a", ""), ("text", "matches", "([", "")]),
         "not a valid regular expression"),
        (_rule_form(name="x", conditions=[("team_id", "eq", "Nobody's team", "")]), "no team named"),
        (_rule_form(name="x", conditions=[("status", "gt", "new", "")]), "unknown op 'gt' for field 'status'"),
        (_rule_form(name="x", conditions=[("status", "eq", "lost", "")]), "'lost' is not a valid status"),
        (_rule_form(name="x", conditions=[("sentiment_score", "lt", "very", "")]), "is not a number"),
        (_rule_form(name="x", actions=[("reply", "", "Hi {{agent.name}}")]), "unknown placeholder"),
        (_rule_form(name="x", actions=[("escalate", "", "")]), "'escalate' needs 'reason'"),
        (_rule_form(name="x", actions=[("webhook", "nope", "")]), "no webhook named"),
        (_rule_form(name="x", actions=[]), "give a non-empty list"),
        (_rule_form(name="x", events=[]), "a trigger needs events"),
        (_rule_form(name="x", kind="automation", events=[]), "needs a time condition"),
        (_rule_form(name=""), "give the rule a name"),
        (_rule_form(name="Refunds"), "already taken"),
    ]
    for form, message in cases:
        r = admin.post(f"/ui/admin/rules/{before.id}", {**form, "name": form["name"] or ""}) \
            if form["name"] != "Refunds" else admin.post("/ui/admin/rules", form)
        assert r.status_code == 422, (message, r.status_code)
        text = unescape(r.text)
        assert message in text, (message, text)
        assert 'role="alert"' in text
    # the message sits in the row it is about (second filled condition row)
    r = admin.post("/ui/admin/rules", cases[0][0])
    text = unescape(r.text)
    regex_row = text.index('value="(["')
    assert regex_row < text.index('class="err" role="alert"') < text.index('id="any-rows"')
    [after] = _rules(database)
    assert (after.name, after.conditions, after.actions, after.updated_at) == (
        before.name, before.conditions, before.actions, before.updated_at)


def test_dry_run_shows_which_past_tickets_match(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    refund = make_ticket(database, desk.l1.id, subject="Refund for invoice 12")
    make_ticket(database, desk.l1.id, subject="Printer on fire")
    second = make_ticket(database, desk.l2.id, subject="Another REFUND question")
    admin = browser_for(desk.admin)
    form = _rule_form(name="", actions=[("set_priority", "urgent", "")], op="dry_run")
    r = admin.post("/ui/admin/rules", form)
    assert r.status_code == 200, unescape(r.text)
    text = unescape(r.text)
    assert "2 of the latest 3 tickets match" in text
    assert f'href="/ui/tickets/{refund}"' in text and f'href="/ui/tickets/{second}"' in text
    assert "Printer on fire" not in text
    assert _rules(database) == []
    with database.session(write=False) as db:
        assert all(t.priority == Priority.normal for t in db.scalars(select(Ticket)))

    limited = admin.post("/ui/admin/rules", {**form, "limit": "1"})
    assert "1 of the latest 1 tickets match" in unescape(limited.text)

    assert admin.post("/ui/admin/rules", _rule_form()).status_code == 303
    [rule] = _rules(database)
    saved = unescape(admin.get(f"/ui/admin/rules/{rule.id}?dry_run=1").text)
    assert "2 of the latest 3 tickets match" in saved and "Another REFUND question" in saved
    bad = admin.post(f"/ui/admin/rules/{rule.id}", {**form, **_rows("all", [("text", "matches", "((", "")],
                                                                    ("field", "op", "value", "calendar"))})
    assert bad.status_code == 422 and "not a valid regular expression" in unescape(bad.text)


def test_more_rows_keeps_what_was_typed(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    r = admin.post("/ui/admin/rules", _rule_form(name="Draft", op="more"))
    assert r.status_code == 200
    assert r.text.count('name="all_field"') == 2 + 3  # one typed and one blank row posted, three more
    assert 'value="Draft"' in r.text and _rules(database) == []


def test_webhooks_created_switched_and_delivery_log(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    form = {"name": "CRM", "url": "https://crm.example/hook", "secret": SECRET, "events": ["ticket.created"],
            "active": "1"}
    bad = admin.post("/ui/admin/webhooks", {**form, "secret": "short"})
    assert bad.status_code == 422 and "secret: at least 16 characters" in unescape(bad.text)
    assert admin.post("/ui/admin/webhooks", {**form, "url": "ftp://x.example/a"}).status_code == 422
    assert admin.post("/ui/admin/webhooks", form).status_code == 303
    assert admin.post("/ui/admin/webhooks", form).status_code == 422  # name taken
    with database.session(write=False) as db:
        [hook] = list(db.scalars(select(WebhookEndpoint)))
    assert (hook.name, hook.url, hook.secret, hook.events, hook.active) == (
        "CRM", "https://crm.example/hook", SECRET, ["ticket.created"], True)
    assert SECRET not in admin.get("/ui/admin/rules").text

    ticket_id = make_ticket(database, desk.l1.id, subject="Hook me")
    with database.session() as db:
        [delivery] = list(db.scalars(select(WebhookDelivery)))
        db.add(WebhookAttempt(delivery_id=delivery.id, attempt=1, status_code=500, duration_ms=12.0,
                              error="HTTP 500", at=utcnow()))
    log = admin.get(f"/ui/admin/webhooks/{hook.id}")
    assert log.status_code == 200
    assert "ticket.created" in log.text and f'href="/ui/tickets/{ticket_id}"' in log.text and "HTTP 500" in log.text

    rule = _rule_form(name="Call CRM", actions=[("webhook", "crm", "")])
    assert admin.post("/ui/admin/rules", rule).status_code == 303
    assert _rules(database)[0].actions == [{"type": "webhook", "webhook_id": hook.id}]

    assert admin.post(f"/ui/admin/webhooks/{hook.id}/active").status_code == 303
    with database.session(write=False) as db:
        assert db.get(WebhookEndpoint, hook.id).active is False  # type: ignore[union-attr]

    edit = {"name": "CRM 2", "url": "https://crm.example/v2", "secret": "", "events": ["ticket.updated"],
            "active": "1"}
    assert admin.post(f"/ui/admin/webhooks/{hook.id}", edit).status_code == 303  # empty secret: kept
    bad = admin.post(f"/ui/admin/webhooks/{hook.id}", {**edit, "url": "mailto:x@y.example", "name": "CRM 3"})
    assert bad.status_code == 422 and "give an http:// or https:// address" in unescape(bad.text)
    assert admin.post(f"/ui/admin/webhooks/{hook.id}", {**edit, "secret": "x" * 20}).status_code == 303
    with database.session(write=False) as db:
        hook = db.get(WebhookEndpoint, hook.id)  # type: ignore[assignment]
    assert (hook.name, hook.url, hook.events, hook.active, hook.secret) == (
        "CRM 2", "https://crm.example/v2", ["ticket.updated"], True, "x" * 20)


def test_agents_cannot_reach_rules_and_csrf_is_enforced(browser_for, desk, database) -> None:  # type: ignore[no-untyped-def]
    admin = browser_for(desk.admin)
    assert admin.post("/ui/admin/rules", _rule_form()).status_code == 303
    [rule] = _rules(database)
    agent = browser_for(desk.agent1)
    for url in ("/ui/admin/rules", "/ui/admin/rules/new", f"/ui/admin/rules/{rule.id}"):
        assert agent.get(url).status_code == 403, url
    for url in ("/ui/admin/rules", f"/ui/admin/rules/{rule.id}", f"/ui/admin/rules/{rule.id}/active",
                f"/ui/admin/rules/{rule.id}/delete"):
        assert agent.post(url, _rule_form(name="agent's")).status_code == 403, url
    assert agent.post("/ui/admin/webhooks", {"name": "x", "url": "https://x.example", "secret": SECRET}
                      ).status_code == 403
    assert admin.client.post("/ui/admin/rules", data=_rule_form(name="no token"),
                             follow_redirects=False).status_code == 403
    assert admin.client.post(f"/ui/admin/rules/{rule.id}/delete", data={"csrf": "bad"},
                             follow_redirects=False).status_code == 403
    assert [(r.name, r.active) for r in _rules(database)] == [("Refunds", True)]
    assert admin.get("/ui/admin/rules/999999").status_code == 404


def test_every_rule_the_api_accepts_survives_the_form_unchanged(client, desk, database) -> None:  # type: ignore[no-untyped-def]
    """Rules made through the API, read into form rows and back, come out identical (no loss on save)."""
    from frontline.rules.schemas import RuleIn
    from frontline.web.rule_form import Names, body_of, form_of_rule

    with database.session() as db:
        db.add(Calendar(name="Office", timezone="UTC", weekly_hours={"mon-fri": "09:00-17:00"}))
    calendar_id = client.get("/api/v1/sla/calendars", headers=desk.admin.headers).json()[0]["id"]
    hook = client.post("/api/v1/webhooks", json={"name": "CRM", "url": "https://crm.example/h", "secret": SECRET},
                       headers=desk.admin.headers).json()["id"]
    triggers = [
        {"all": [{"field": "status", "op": "in", "value": ["new", "open"]},
                 {"field": "priority", "op": "gte", "value": "high"},
                 {"field": "team_id", "op": "in", "value": [desk.l1.id, desk.l2.id]},
                 {"field": "assignee_id", "op": "eq", "value": desk.agent1.user.id},
                 {"field": "line", "op": "not_set"}, {"field": "category", "op": "eq", "value": "Billing"},
                 {"field": "tags", "op": "not_contains", "value": ["spam", "test"]},
                 {"field": "subject", "op": "not_matches", "value": r"^\s*re:, (auto)"},
                 {"field": "sentiment_score", "op": "lt", "value": -0.25},
                 {"field": "business_hours", "op": "outside", "value": calendar_id}],
         "any": [{"field": "text", "op": "contains", "value": " money back "},
                 {"field": "sentiment_label", "op": "in", "value": ["negative"]},
                 {"field": "channel", "op": "ne", "value": "email"}]},
    ]
    actions = [{"type": "set_status", "value": "open"}, {"type": "set_line", "value": None},
               {"type": "set_team", "value": desk.l2.id}, {"type": "set_assignee", "value": None},
               {"type": "set_category", "value": "Billing"}, {"type": "remove_tag", "value": "new"},
               {"type": "escalate", "reason": "Angry", "line": "L3", "team_id": desk.l2.id}, {"type": "assign"},
               {"type": "reply", "body": "Dear {{customer.name}},\n\n  we are on it ({{ticket.number}})."},
               {"type": "notify", "message": "Look at this", "to": "supervisors"},
               {"type": "webhook", "webhook_id": hook}]
    automation = {"all": [{"field": "hours_since_status_change", "op": "gte", "value": 1.5},
                          {"field": "hours_since_customer_message", "op": "gt", "value": 2, "calendar_id": calendar_id},
                          {"field": "hours_since_created", "op": "lte", "value": 720},
                          {"field": "hours_since_updated", "op": "gte", "value": 0}]}
    bodies = [{"name": "everything", "events": ["created", "agent_replied"], "conditions": triggers[0],
               "actions": actions},
              {"name": "timer", "kind": "automation", "conditions": automation,
               "actions": [{"type": "set_status", "value": "solved"}], "active": False}]
    for body in bodies:
        assert client.post("/api/v1/rules", json=body, headers=desk.admin.headers).status_code == 201
    for rule in _rules(database):
        with database.session(write=False) as db:
            names = Names(db)
            again = body_of(form_of_rule(rule, names), names)
        original = RuleIn(name=rule.name, kind=rule.kind, events=rule.events, conditions=rule.conditions,
                          actions=rule.actions, active=rule.active)
        assert again.model_dump(exclude={"position"}) == original.model_dump(exclude={"position"}), rule.name

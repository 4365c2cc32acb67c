"""Rules whose actions set fields, tags or notify run in plain SQL (rules/quick.py): they must leave exactly what
the ticket service leaves (columns, tags, history with the rule's stamp, skipped actions) and set off the same
follow-up events, so chains and the loop guard work as before."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select

from frontline.rules import engine
from frontline.rules.models import Rule
from tests.factories import make_team, ticket_payload
from tests.rules.conftest import post_rule

HISTORY = ("SELECT kind, field, old_value, new_value, actor_kind, data FROM ticket_event WHERE ticket_id = :t"
           " AND kind <> 'created' ORDER BY id")


def _rules(client, desk, team_id: int, gone_id: int) -> list[int]:
    """Inactive rules (so creating the tickets fires nothing); the test runs them itself."""
    bodies = [
        {"name": "route", "events": ["created"], "conditions": {"all": [{"field": "tags", "op": "contains",
                                                                         "value": "vip"}]},
         "actions": [{"type": "set_team", "value": team_id}, {"type": "set_line", "value": "L2"},
                     {"type": "set_priority", "value": "high"}, {"type": "add_tag", "value": "routed"},
                     {"type": "remove_tag", "value": "vip"}, {"type": "set_category", "value": "Billing"},
                     {"type": "set_team", "value": gone_id}, {"type": "notify", "message": "VIP in"},
                     {"type": "add_tag", "value": "routed"}]},
        # set off by the first rule's 'updated' events: a chain, and a rule that flips back (the loop guard)
        {"name": "follow", "events": ["updated"], "conditions": {"all": [{"field": "tags", "op": "contains",
                                                                          "value": "routed"}]},
         "actions": [{"type": "set_priority", "value": "urgent"}, {"type": "add_tag", "value": "vip"}]},
        {"name": "flip", "events": ["updated"], "conditions": {"all": [{"field": "priority", "op": "eq",
                                                                        "value": "urgent"}]},
         "actions": [{"type": "set_priority", "value": "low"}, {"type": "set_category", "value": None}]},
    ]
    return [post_rule(client, desk.supervisor.headers, active=False, **b)["id"] for b in bodies]


def _state(db, raw, ticket_id: int) -> dict[str, Any]:
    row = raw.one("SELECT t.priority, t.team_id, t.line, c.name, t.updated_at > t.created_at FROM ticket t"
                  " LEFT JOIN category c ON c.id = t.category_id WHERE t.id = :t", {"t": ticket_id})
    tags = sorted(r[0] for r in raw.rows("SELECT g.name FROM ticket_tag tt JOIN tag g ON g.id = tt.tag_id"
                                         " WHERE tt.ticket_id = :t", {"t": ticket_id}))
    history = [(k, f, o, n, a, raw.read_json(d)) for k, f, o, n, a, d in raw.rows(HISTORY, {"t": ticket_id})]
    return {"row": row, "tags": tags, "history": history}


def test_quick_actions_leave_what_the_service_leaves(client, database, desk):
    from frontline.kit.rawsql import Raw

    team, gone = make_team(database, "Quick VIP", "L2"), make_team(database, "Gone soon", "L2")
    ids = _rules(client, desk, team.id, gone.id)
    with database.session() as db:  # a team deleted after the rule was saved: that action is skipped
        Raw(db).run("DELETE FROM team WHERE id = :t", {"t": gone.id})
    tickets = [client.post("/api/v1/tickets", json=ticket_payload(tags=["vip"]), headers=desk.agent1.headers)
               .json()["id"] for _ in range(2)]
    states, fired = [], []
    for ticket_id, quick in zip(tickets, (True, False), strict=True):
        with database.session() as db:
            loaded = [engine.load_rule(r) for r in db.scalars(select(Rule).where(Rule.id.in_(ids)).order_by(Rule.id))]
            assert all(r.quick for r in loaded)  # these actions all take the plain-SQL path ...
            rules = tuple(dataclasses.replace(r, quick=quick) for r in loaded)  # ... unless told otherwise
            fired.append(engine.on_event(db, ticket_id, "created", prefix="FL", cfg=engine.Config(rules)))
        with database.session() as db:
            states.append(_state(db, Raw(db), ticket_id))
    assert fired[0] == fired[1] == ids  # the chain: route, then follow and flip on its updates, each once
    quick_state, service_state = states
    assert quick_state == service_state
    assert quick_state["row"][:4] == (0, team.id, "L2", None)  # flip's low priority and cleared category won
    assert quick_state["tags"] == ["routed", "vip"]
    kinds = [(h[0], h[1]) for h in quick_state["history"]]
    assert ("rule_skipped", None) in kinds and ("rule_notify", None) in kinds
    skipped = next(h for h in quick_state["history"] if h[0] == "rule_skipped")
    assert skipped[5] == {"rule_id": ids[0], "action": "set_team", "why": f"No team with id {gone.id}.",
                          "by": "rule", "rule": "route"}
    assert all(h[5]["by"] == "rule" for h in quick_state["history"] if h[0] != "rule_fired")


def test_quick_actions_on_a_new_ticket_keep_its_row(client, desk):
    """On creation the rules work on the ticket's row; what a rule changed is what the next rule and the creation's
    answer see (its tags included), and the answer is what is stored."""
    post_rule(client, desk.supervisor.headers, name="tag", events=["created"], position=1,
              conditions={"all": [{"field": "subject", "op": "contains", "value": "invoice"}]},
              actions=[{"type": "add_tag", "value": "billing"}, {"type": "set_priority", "value": "high"}])
    post_rule(client, desk.supervisor.headers, name="then", events=["created"], position=2,
              conditions={"all": [{"field": "tags", "op": "contains", "value": "billing"},
                                  {"field": "priority", "op": "eq", "value": "high"}]},
              actions=[{"type": "set_category", "value": "Invoices"}])
    t = client.post("/api/v1/tickets", json=ticket_payload(subject="Wrong invoice"), headers=desk.agent1.headers)
    body = t.json()
    assert (body["priority"], body["category"], body["tags"]) == ("high", "Invoices", ["billing"])
    stored = client.get(f"/api/v1/tickets/{body['id']}", headers=desk.admin.headers).json()
    assert stored["tags"] == ["billing"] and stored["category"] == "Invoices"


def test_a_rule_through_the_services_on_a_new_ticket_shows_in_the_answer(client, desk):
    """A rule with an action the quick path does not take (status) changes the ticket through the ORM: the
    creation's answer rereads it, tags included."""
    post_rule(client, desk.supervisor.headers, name="open and tag", events=["created"],
              conditions={"all": [{"field": "subject", "op": "contains", "value": "refund"}]},
              actions=[{"type": "set_status", "value": "open"}, {"type": "add_tag", "value": "money"}])
    body = client.post("/api/v1/tickets", json=ticket_payload(subject="Refund please", tags=["vip"]),
                       headers=desk.agent1.headers).json()
    stored = client.get(f"/api/v1/tickets/{body['id']}", headers=desk.admin.headers).json()
    assert (body["status"], body["tags"]) == ("open", ["money", "vip"])
    assert (stored["status"], stored["tags"]) == ("open", ["money", "vip"])
